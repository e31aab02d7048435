#!/usr/bin/python3
"""test_terminal.py — what `baogao run` shows a person and a log reader:
the progress bar on a real terminal (a pty) with warnings printed above it,
its ETA and the export phase line; -q folding repeated warnings into a count;
the --log-json summary as fields; the `wrote` line of every exporter.
Standard library only. Usage: test_terminal.py BUILD_DIR SOURCE_DIR"""
import csv
import fcntl
import glob
import json
import os
import pty
import re
import select
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest
import zipfile

BUILD = SOURCE = None
COLUMNS = 120
WARNED = 30  # sources with a list-count mismatch warning each
MISMATCH = "今年着力抓好以下三个重点项目：（1）某某大桥{n}号；（2）某某医院{n}号。\n"
BAR = re.compile(r"\[[#-]{24}\] \d+/\d+ sources")
STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (warn|info|error|debug) ")
ALL_FOUR = [
    {"plugin": "csv", "output": "out/{job}-csv"},
    {"plugin": "xlsx", "output": "out/{job}.xlsx"},
    {"plugin": "json", "output": "out/{job}.json"},
    {"plugin": "sqlite", "output": "out/{job}.sqlite"},
]


def make_corpus(folder, fifos=0, duplicate=False):
    """WARNED reports built from the samples, each with one list that
    announces three items and lists two; fifos FIFOs (failed sources)."""
    samples = sorted(glob.glob(os.path.join(SOURCE, "samples/reports/*.txt")))
    os.makedirs(folder)
    for n in range(WARNED):
        with open(samples[n % len(samples)], encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(folder, "r%03d.txt" % n), "w", encoding="utf-8") as f:
            f.write(text + "\n" + MISMATCH.format(n=n))
    if duplicate:
        shutil.copy(os.path.join(folder, "r000.txt"), os.path.join(folder, "r000-copy.txt"))
    for n in range(fifos):
        os.mkfifo(os.path.join(folder, "pipe%d.txt" % n))


def write_job(work, name, exporters=ALL_FOUR, extra=None):
    job = {"job": name, "sources": [{"path": "corpus"}], "exporters": exporters,
           "guard": {"min_documents": 0}, "jobs": 2}
    job.update(extra or {})
    path = os.path.join(work, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False)
    return path


def run(work, *args):
    p = subprocess.run([os.path.join(BUILD, "baogao"), "run", *args], cwd=work, capture_output=True, timeout=300)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def run_through_pipe(work, *args):
    """Runs baogao with --progress, stdout and stderr on one pipe, COLUMNS
    columns wide: what a terminal behind a pipe receives."""
    env = dict(os.environ, COLUMNS=str(COLUMNS))
    p = subprocess.run([os.path.join(BUILD, "baogao"), "run", "--progress", *args], cwd=work,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def run_on_pty(work, *args):
    """Runs baogao with stdout and stderr on a pty of COLUMNS columns;
    returns (exit code, everything it wrote, as text). A machine without
    pty devices (a container without devpts) gets the same run through a
    pipe with --progress, which draws what a terminal would get."""
    try:
        master, slave = pty.openpty()
    except OSError as e:
        print("no pty (%s): the terminal cases run through a pipe with --progress" % e, file=sys.stderr)
        return run_through_pipe(work, *args)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    p = subprocess.Popen([os.path.join(BUILD, "baogao"), "run", *args], cwd=work, stdin=subprocess.DEVNULL,
                         stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.time() + 300
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    os.close(master)
    code = p.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


def screen_lines(raw):
    """The lines a terminal shows for raw output: CR returns to column 0,
    ESC[K erases to the end of the line, LF ends the line, other escape
    sequences are dropped; characters overwrite what is under the cursor."""
    lines, line, col, i = [], [], 0, 0
    while i < len(raw):
        c = raw[i]
        if c == "\r":
            col = 0
        elif c == "\n":
            lines.append("".join(line))
            line, col = [], 0
        elif c == "\x1b":
            m = re.match(r"\x1b\[([0-9;?]*)([A-Za-z])", raw[i:])
            if m:
                if m.group(2) == "K" and m.group(1) in ("", "0"):
                    del line[col:]
                i += len(m.group(0))
                continue
        else:
            if col < len(line):
                line[col] = c
            else:
                line.extend(" " * (col - len(line)))
                line.append(c)
            col += 1
        i += 1
    if line:
        lines.append("".join(line))
    return lines


class Terminal(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="baogao-term-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_bar_warnings_eta_and_export_phase_on_a_pty(self):
        make_corpus(os.path.join(self.work, "corpus"))
        config = write_job(self.work, "tty")
        code, raw = run_on_pty(self.work, "-c", config)
        self.assertEqual(code, 0, raw)
        lines = screen_lines(raw)
        warnings = [l for l in lines if " warn " in l and "announces 3 items but lists 2" in l]
        # every warning whole, on a line of its own that starts with its stamp
        self.assertEqual(len(warnings), WARNED, "\n".join(lines))
        for l in lines:
            self.assertFalse(BAR.search(l) and " warn " in l, "bar and warning share a line: %r" % l)
            self.assertFalse("exporting " in l and STAMPED.search(l), "phase and log share a line: %r" % l)
            if BAR.search(l) or l.startswith("exporting "):
                self.assertLess(len(l), COLUMNS, "the status line wraps: %r" % l)
            else:
                self.assertTrue(not l or STAMPED.match(l), "a fragment: %r" % l)
        # the case was met: some warning came while the bar was on the line
        # (the raw bytes between two newlines hold both, the screen does not)
        self.assertTrue(any(BAR.search(l) for l in raw.split("\n") if " warn " in l), "bar never shown mid-run")
        # the finished bar stays as a line of its own
        self.assertTrue(any(re.match(r"\[#{24}\] %d/%d sources" % (WARNED, WARNED), l) for l in lines),
                        "\n".join(lines))
        self.assertRegex(raw, r"sources, [0-9.]+ KiB of [0-9.]+ KiB, ETA \d+s")
        # the exporters end side by side: the phase line names those at work
        self.assertRegex(raw, r"exporting: (\w+, )*xlsx(, \w+)* writing \d+ rows…")
        self.assertRegex(raw, r"exporting: (\w+, )*sqlite(, \w+)* writing")
        self.assertIn("publishing ", raw)
        # the status line is gone at the end: the last line is a log line
        self.assertTrue(STAMPED.match(lines[-1]), lines[-1])

    def test_no_progress_and_pipe_show_no_status(self):
        make_corpus(os.path.join(self.work, "corpus"))
        config = write_job(self.work, "plain")
        code, raw = run_on_pty(self.work, "--no-progress", "-c", config)
        self.assertEqual(code, 0, raw)
        self.assertNotIn("\x1b[K", raw)
        self.assertNotIn("exporting ", raw)
        code, err = run(self.work, "-c", config)
        self.assertEqual(code, 0, err)
        self.assertNotIn("\x1b[K", err)
        self.assertNotIn("\r", err)


    def test_progress_option_draws_through_a_pipe(self):
        make_corpus(os.path.join(self.work, "corpus"))
        config = write_job(self.work, "piped")
        code, raw = run_through_pipe(self.work, "-c", config)
        self.assertEqual(code, 0, raw)
        self.assertRegex(raw, r"sources, [0-9.]+ KiB of [0-9.]+ KiB, ETA \d+s")
        self.assertIn("\x1b[K", raw)
        for l in screen_lines(raw):
            self.assertFalse(BAR.search(l) and " warn " in l, "bar and warning share a line: %r" % l)
            if BAR.search(l):
                self.assertLess(len(l), COLUMNS, "the status line is wider than COLUMNS: %r" % l)
        # --no-progress wins over --progress
        code, raw = run_through_pipe(self.work, "--no-progress", "-c", config)
        self.assertEqual(code, 0, raw)
        self.assertNotIn("\x1b[K", raw)


class Quiet(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="baogao-quiet-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_repeated_warnings_fold_into_a_count(self):
        make_corpus(os.path.join(self.work, "corpus"), fifos=5)
        config = write_job(self.work, "quiet")
        log = os.path.join(self.work, "all.log")
        code, err = run(self.work, "-q", "--log-file", log, "-c", config)
        self.assertEqual(code, 1, err)  # the FIFOs failed
        lines = err.splitlines()
        with open(log, encoding="utf-8") as f:
            kept = f.read()
        # the log file keeps every warning (the samples have mismatches of
        # their own besides ours), and no count
        total = kept.count(" items but lists ")
        self.assertGreaterEqual(total, WARNED)
        self.assertNotIn("more warnings like", kept)
        mismatch = [l for l in lines if " items but lists " in l and "more warnings" not in l]
        self.assertEqual(len(mismatch), 3, err)
        self.assertIn("warn  … and %d more warnings like: …: list … announces … items but lists …" % (total - 3), err)
        failed = [l for l in lines if "warn  source failed: " in l]
        self.assertEqual(len(failed), 3, err)
        self.assertIn("… and 2 more warnings like: source failed: …", err)
        listed = [l for l in lines if "warn  failed source: " in l]
        self.assertEqual(len(listed), 3, err)
        self.assertIn("… and 2 more warnings like: failed source: …", err)
        # the fold lines come at the end, after the summary
        summary = next(i for i, l in enumerate(lines) if "summary: job quiet" in l)
        folds = [i for i, l in enumerate(lines) if "more warnings like" in l]
        self.assertEqual(len(folds), 3, err)
        self.assertTrue(all(i > summary for i in folds), err)
        # without -q nothing is folded; the rows come from the cache now, and
        # the warnings their extraction gave are said again
        code, err = run(self.work, "--log-json", "-c", config)
        summary = json.loads(next(l for l in err.splitlines() if '"event":"summary"' in l))
        self.assertEqual(summary["cached"], WARNED, err)
        self.assertEqual(summary["extracted"], 0, err)
        code, err = run(self.work, "-c", config)
        self.assertEqual(err.count(" items but lists "), total, err)
        self.assertNotIn("more warnings like", err)

    def test_distinct_notices_are_distinct_kinds(self):
        os.makedirs(os.path.join(self.work, "corpus"))
        samples = sorted(glob.glob(os.path.join(SOURCE, "samples/reports/*.txt")))
        for n in range(5):  # a character cut short at the end: one notice each
            with open(samples[n], "rb") as f:
                data = f.read()
            with open(os.path.join(self.work, "corpus", "cut%d.txt" % n), "wb") as f:
                f.write(data + "结".encode("utf-8")[:2])
        config = write_job(self.work, "notices", exporters=[{"plugin": "json", "output": "out/{job}.json"}])
        code, err = run(self.work, "-q", "-c", config)
        self.assertEqual(code, 0, err)
        self.assertEqual(err.count("its last character is cut short"), 3 + 1, err)  # 3 shown, 1 count line
        self.assertIn("… and 2 more warnings like: its last character is cut short", err)


def folder_files(path):
    """The exporter's files in a folder output (not the host's manifest)."""
    return [os.path.join(path, f) for f in os.listdir(path)
            if os.path.isfile(os.path.join(path, f)) and f != ".baogao-manifest"]


def size_of(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(f) for f in folder_files(path))
    return os.path.getsize(path)


def close_to(shown, unit, actual):
    scale = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}[unit]
    return abs(float(shown) * scale - actual) <= 0.05 * actual + scale / 2


class Summary(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="baogao-summary-")
        make_corpus(os.path.join(self.work, "corpus"), duplicate=True)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_log_json_summary_is_fields(self):
        config = write_job(self.work, "js")
        code, err = run(self.work, "--log-json", "-c", config)
        self.assertEqual(code, 0, err)
        objects = [json.loads(l) for l in err.splitlines()]  # every line is one object
        summaries = [o for o in objects if o.get("event") == "summary"]
        self.assertEqual(len(summaries), 1, err)
        s = summaries[0]
        self.assertEqual(s["level"], "info")
        self.assertEqual(s["sources_seen"], WARNED + 1)
        self.assertEqual(s["documents"], WARNED)
        self.assertEqual(s["sources_failed"], 0)
        self.assertEqual(s["duplicates"], 1)
        self.assertEqual(s["exit_code"], 0)
        self.assertIsInstance(s["seconds"], (int, float))
        self.assertGreater(s["seconds"], 0)
        self.assertEqual(s["rows"]["documents"], WARNED)
        self.assertEqual(s["rows"]["list_items"] >= 2 * WARNED, True, s["rows"])
        with open(os.path.join(self.work, "out/js.json"), encoding="utf-8") as f:
            written = json.load(f)
        for table, rows in s["rows"].items():
            self.assertEqual(len(written["tables"][table]), rows, table)
        self.assertEqual([o["plugin"] for o in s["outputs"]], ["csv", "xlsx", "json", "sqlite"])
        for i, o in enumerate(s["outputs"]):
            self.assertEqual(o["exporter"], "exporters[%d]" % i)
            self.assertTrue(os.path.exists(o["path"]), o)
            self.assertEqual(o["bytes"], size_of(o["path"]), o)
            self.assertIsInstance(o["description"], str)
        self.assertEqual(s["outputs"][0]["files"], len(folder_files(s["outputs"][0]["path"])))
        # a failing run says so in the same fields, with no outputs
        os.mkfifo(os.path.join(self.work, "corpus", "zz.txt"))
        code, err = run(self.work, "--log-json", "-c", config)
        s = [json.loads(l) for l in err.splitlines() if '"event":"summary"' in l][0]
        self.assertEqual((code, s["exit_code"], s["sources_failed"], s["level"]), (1, 1, 1, "warn"))
        self.assertEqual(len(s["outputs"]), 4)
        code, err = run(self.work, "--log-json", "--dry-run", "-c", config)
        s = [json.loads(l) for l in err.splitlines() if '"event":"summary"' in l][0]
        self.assertEqual((s["dry_run"], s["outputs"]), (True, []))

    def test_wrote_line_per_exporter(self):
        exporters = ALL_FOUR + [{"plugin": "good", "output": "out/{job}.txt"}]
        config = write_job(self.work, "w", exporters, {"plugin_dir": os.path.join(BUILD, "tests/fixtures/plugins")})
        code, err = run(self.work, "-c", config)
        self.assertEqual(code, 0, err)
        wrote = {}
        for l in err.splitlines():
            m = re.search(r" info  wrote (\S+) \((?:(\d+) files?, )?([0-9.]+) (B|KiB|MiB|GiB)\): (.*)$", l)
            if m:
                wrote[m.group(1)] = m.groups()[1:]
        self.assertEqual(sorted(wrote), sorted(["out/w-csv/", "out/w.xlsx", "out/w.json", "out/w.sqlite", "out/w.txt"]),
                         err)
        for path, (files, number, unit, _) in wrote.items():
            self.assertTrue(close_to(number, unit, size_of(os.path.join(self.work, path))), (path, number, unit))
        rows = [json.loads(l) for l in run(self.work, "--log-json", "-c", config)[1].splitlines()
                if '"event":"summary"' in l][0]["rows"]
        total = sum(rows.values())
        # csv: the files of the folder, and its rows
        csvs = sorted(glob.glob(os.path.join(self.work, "out/w-csv/*.csv")))
        self.assertEqual(int(wrote["out/w-csv/"][0]), len(folder_files(os.path.join(self.work, "out/w-csv"))))
        csv_rows = 0
        for f in csvs:
            with open(f, encoding="utf-8-sig", newline="") as fh:
                csv_rows += sum(1 for _ in csv.reader(fh)) - 1
        self.assertEqual(wrote["out/w-csv/"][3], "%d CSV files and datapackage.json, %d rows" % (len(csvs), csv_rows))
        # xlsx: its sheets and the rows it received
        with zipfile.ZipFile(os.path.join(self.work, "out/w.xlsx")) as z:
            sheets = len(re.findall(r"<sheet ", z.read("xl/workbook.xml").decode()))
        self.assertEqual(wrote["out/w.xlsx"][3], "%d sheets, %d rows" % (sheets, total))
        # json: its tables and rows
        with open(os.path.join(self.work, "out/w.json"), encoding="utf-8") as f:
            tables = json.load(f)["tables"]
        self.assertEqual(wrote["out/w.json"][3],
                         "%d tables, %d rows" % (len(tables), sum(len(v) for v in tables.values())))
        # sqlite: what the file holds, which outlives one run
        db = sqlite3.connect(os.path.join(self.work, "out/w.sqlite"))
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        db.close()
        self.assertEqual(wrote["out/w.sqlite"][3], "%d tables, %d documents in the file" % (len(tables), documents))
        # a plugin that does not describe its output: the rows it received
        self.assertEqual(wrote["out/w.txt"][3], "%d rows received" % total)
        # -q: none; -q --summary: all of them
        code, err = run(self.work, "-q", "-c", config)
        self.assertNotIn("wrote ", err)
        code, err = run(self.work, "-q", "--summary", "-c", config)
        self.assertEqual(err.count(" info  wrote "), 5, err)


if __name__ == "__main__":
    BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)
