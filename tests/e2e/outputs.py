#!/usr/bin/python3
"""outputs.py — reads the outputs of one baogao run back for the shell tests
(test_jobs_identical.sh, test_incremental.sh), standard library only.

An output set is a folder holding what the four exporters wrote: a CSV
folder, one .xlsx, one .json, one .sqlite (any names). Two sets are equal
when everything but the run facts is equal: the run id and the start and
finish times (JSON keys run_id, generated_at, started_at, finished_at; the
SQLite `runs` row's run_id/started/finished, and the run id wherever a table
repeats it; the XLSX About cells beside Run id/Started/Finished, the run id
in every part, the created/modified times of docProps/core.xml).

  outputs.py compare A B          differences, exit 1 when there are any
  outputs.py summary LOG KEY...   the --log-json summary's KEYs, one JSON value a line
                                  (MISSING when the summary lacks it); exit 1 without summary
  outputs.py warnings LOG TEXT    the number of warn lines (plain or JSON) containing TEXT
  outputs.py sources SET          the documents' sources, one a line, sorted; exit 1 when
                                  the JSON, CSV and SQLite outputs disagree
  outputs.py values SET SOURCE TABLE COLUMN
                                  COLUMN of TABLE's rows of the document read from SOURCE,
                                  sorted, one a line; exit 1 when the formats disagree
  outputs.py contains SET TEXT    the outputs (CSV files, JSON, SQLite tables, XLSX parts)
                                  holding TEXT, one a line
  outputs.py variant SRC DST N    a copy of report SRC with every whole percentage raised
                                  by N (8% -> 8+N%), so a distinct document with other targets
  outputs.py csv-corpus SAMPLES DST ROWS
                                  a CSV corpus (id,标题,地区,年份,链接,正文) of ROWS reports
                                  made from the sample reports in SAMPLES, variants 10, 11 …
"""
import csv
import io
import json
import os
import re
import sqlite3
import sys
import zipfile

RUN_FACT_KEYS = {"run_id", "generated_at", "started_at", "finished_at"}
RUN_ROW_FACTS = {"run_id", "started", "finished"}
MAX_REPORTED = 4  # differences shown per output


def strip_run_facts(value):
    if isinstance(value, dict):
        return {k: strip_run_facts(v) for k, v in value.items() if k not in RUN_FACT_KEYS}
    if isinstance(value, list):
        return [strip_run_facts(v) for v in value]
    return value


def first_difference(a, b, path="$"):
    """The JSON path of the first place a and b differ, with both values."""
    if type(a) is not type(b):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        if list(a) != list(b):
            return "%s: keys %s vs %s" % (path, list(a), list(b))
        for k in a:
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        if len(a) != len(b):
            return "%s: %d items vs %d" % (path, len(a), len(b))
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def compare_json_bytes(name, a, b, out):
    try:
        ja = strip_run_facts(json.loads(a))
        jb = strip_run_facts(json.loads(b))
    except ValueError as e:
        out.append("%s: not JSON: %s" % (name, e))
        return
    d = first_difference(ja, jb)
    if d:
        out.append("%s: %s" % (name, d[:400]))


def compare_csv_folder(name, a, b, out):
    fa = sorted(os.listdir(a))
    fb = sorted(os.listdir(b))
    if fa != fb:
        out.append("%s: files %s vs %s" % (name, fa, fb))
    for f in sorted(set(fa) & set(fb)):
        with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
            da, db = x.read(), y.read()
        if f.endswith(".json"):
            compare_json_bytes("%s/%s" % (name, f), da, db, out)
        elif da != db:
            la, lb = da.split(b"\n"), db.split(b"\n")
            line = next((i for i, (p, q) in enumerate(zip(la, lb)) if p != q), min(len(la), len(lb)))
            def show(lines):
                return lines[line][:300].decode("utf-8", "replace") if line < len(lines) else "<end>"
            out.append("%s/%s: differs at line %d: %s vs %s" % (name, f, line + 1, show(la), show(lb)))


def sqlite_dump(path):
    """{name: (columns, rows)} of every table and view, the schema, user_version;
    the latest run's facts taken out."""
    con = sqlite3.connect("file:%s?mode=ro&immutable=1" % path, uri=True)
    try:
        dump = {"<schema>": (None, sorted(con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)),
            "<user_version>": (None, con.execute("PRAGMA user_version").fetchall())}
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        run_id = None
        if "runs" in names:
            row = con.execute('SELECT run_id FROM "runs" ORDER BY rowid DESC LIMIT 1').fetchone()
            run_id = row[0] if row else None
        for n in names:
            cur = con.execute('SELECT * FROM "%s"' % n.replace('"', '""'))
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if n == "runs":
                # earlier runs are history the other set may not share: the latest row only
                keep = [i for i, c in enumerate(cols) if c not in RUN_ROW_FACTS]
                cols = [cols[i] for i in keep]
                rows = [tuple(r[i] for i in keep) for r in rows[-1:]]
            elif run_id is not None:
                rows = [tuple("<run_id>" if v == run_id else v for v in r) for r in rows]
            dump[n] = (cols, rows)
        return dump
    finally:
        con.close()


def compare_sqlite(name, a, b, out):
    try:
        da, db = sqlite_dump(a), sqlite_dump(b)
    except sqlite3.Error as e:
        out.append("%s: cannot read: %s" % (name, e))
        return
    if sorted(da) != sorted(db):
        out.append("%s: tables/views %s vs %s" % (name, sorted(da), sorted(db)))
    for t in sorted(set(da) & set(db)):
        (ca, ra), (cb, rb) = da[t], db[t]
        if ca != cb:
            out.append("%s: %s: columns %s vs %s" % (name, t, ca, cb))
        elif ra != rb:
            i = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))
            out.append("%s: %s: %d rows vs %d, first difference at row %d: %s vs %s" % (
                name, t, len(ra), len(rb), i + 1, repr(ra[i])[:300] if i < len(ra) else "<none>",
                repr(rb[i])[:300] if i < len(rb) else "<none>"))


def xlsx_parts(path):
    """{part: text} with the run facts masked."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist()}
        order = z.namelist()
    shared = re.findall(r"<si>(.*?)</si>", parts.get("xl/sharedStrings.xml", ""), re.S)
    shared = [re.sub(r"<[^>]+>", "", s) for s in shared]
    # the About sheet: the first sheet of workbook.xml named About
    about = None
    m = re.search(r'<sheet name="About"[^>]*r:id="([^"]+)"', parts.get("xl/workbook.xml", ""))
    if m:
        t = re.search(r'Id="%s"[^>]*Target="([^"]+)"' % re.escape(m.group(1)),
                      parts.get("xl/_rels/workbook.xml.rels", ""))
        if t:
            about = "xl/" + t.group(1).lstrip("/").replace("xl/", "", 1)
    run_id = None
    if about in parts:
        def mask_row(row):
            nonlocal run_id
            cells = re.findall(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', row.group(0), re.S)
            label = ""
            for col, attr, body in cells:
                if col == "A" and 't="s"' in attr:
                    v = re.search(r"<v>(\d+)</v>", body or "")
                    label = shared[int(v.group(1))] if v and int(v.group(1)) < len(shared) else ""
            if not re.search(r"Run id|Started|Finished", label):
                return row.group(0)
            if "Run id" in label:
                for col, attr, body in cells:
                    v = re.search(r"<v>(\d+)</v>", body or "")
                    if col == "B" and 't="s"' in attr and v and int(v.group(1)) < len(shared):
                        run_id = shared[int(v.group(1))]
                return row.group(0)

            def mask_cell(c):
                return c.group(0) if re.match(r'<c r="A\d', c.group(0)) else re.sub(
                    r"<v>.*?</v>", "<v>RUN_FACT</v>", c.group(0))
            return re.sub(r'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', mask_cell, row.group(0), flags=re.S)
        parts[about] = re.sub(r"<row [^>]*>.*?</row>", mask_row, parts[about], flags=re.S)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                            r"\1RUN_FACT", parts["docProps/core.xml"])
    if run_id:
        parts = {n: t.replace(run_id, "<run_id>") for n, t in parts.items()}
    return order, parts


def compare_xlsx(name, a, b, out):
    try:
        oa, pa = xlsx_parts(a)
        ob, pb = xlsx_parts(b)
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as e:
        out.append("%s: cannot read: %s" % (name, e))
        return
    if oa != ob:
        out.append("%s: parts %s vs %s" % (name, oa, ob))
    for p in oa:
        if p in pb and pa[p] != pb[p]:
            x, y = pa[p], pb[p]
            i = next((i for i, (c, d) in enumerate(zip(x, y)) if c != d), min(len(x), len(y)))
            out.append("%s: %s differs at character %d: …%s… vs …%s…" % (
                name, p, i, x[max(0, i - 60):i + 60], y[max(0, i - 60):i + 60]))


def compare(a, b):
    out = []
    na, nb = sorted(os.listdir(a)), sorted(os.listdir(b))
    if na != nb:
        out.append("outputs %s vs %s" % (na, nb))
    for n in sorted(set(na) & set(nb)):
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if os.path.isdir(pa) and os.path.isdir(pb):
            compare_csv_folder(n, pa, pb, out)
        elif n.endswith(".xlsx"):
            compare_xlsx(n, pa, pb, out)
        elif n.endswith(".sqlite"):
            compare_sqlite(n, pa, pb, out)
        elif n.endswith(".json"):
            with open(pa, "rb") as x, open(pb, "rb") as y:
                compare_json_bytes(n, x.read(), y.read(), out)
        else:
            with open(pa, "rb") as x, open(pb, "rb") as y:
                if x.read() != y.read():
                    out.append("%s: differs" % n)
    return out


def summary(log):
    found = None
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if ev.get("event") == "summary":
                    found = ev
    return found


def output_set(folder):
    """(json path, csv folder, sqlite path) of an output set."""
    j = c = s = None
    for n in sorted(os.listdir(folder)):
        p = os.path.join(folder, n)
        if os.path.isdir(p):
            c = p
        elif n.endswith(".json"):
            j = p
        elif n.endswith(".sqlite"):
            s = p
    return j, c, s


def csv_rows(folder, table):
    path = os.path.join(folder, table + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def text_of(v):
    """One spelling of a cell in every format: CSV's "8" and "" are JSON's 8 and null."""
    if v is None or v == "":
        return "null"
    if isinstance(v, (int, float)) or (len(v) <= 12 and re.fullmatch(r"-?\d+(\.\d+)?", v)):
        return "%.10g" % float(v)
    return str(v)


def documents(folder):
    """{format: {source: doc_id}}"""
    j, c, s = output_set(folder)
    got = {}
    if j:
        with open(j, encoding="utf-8") as f:
            got["json"] = {d["source"]: d["doc_id"] for d in json.load(f)["tables"]["documents"]}
    if c:
        got["csv"] = {d["source"]: d["doc_id"] for d in csv_rows(c, "documents")}
    if s:
        con = sqlite3.connect("file:%s?mode=ro&immutable=1" % s, uri=True)
        got["sqlite"] = dict(con.execute("SELECT source, doc_id FROM documents"))
        con.close()
    return got


def values(folder, source, table, column):
    j, c, s = output_set(folder)
    docs = documents(folder)
    got = {}
    for fmt, by_source in docs.items():
        doc = by_source.get(source)
        if doc is None:
            got[fmt] = ["<no document from %s>" % source]
            continue
        if fmt == "json":
            with open(j, encoding="utf-8") as f:
                rows = json.load(f)["tables"].get(table, [])
            got[fmt] = sorted(text_of(r.get(column)) for r in rows if r.get("doc_id") == doc)
        elif fmt == "csv":
            got[fmt] = sorted(text_of(r.get(column)) for r in csv_rows(c, table) if r.get("doc_id") == doc)
        else:
            con = sqlite3.connect("file:%s?mode=ro&immutable=1" % s, uri=True)
            got[fmt] = sorted(text_of(r[0]) for r in con.execute(
                'SELECT "%s" FROM "%s" WHERE doc_id = ?' % (column, table), (doc,)))
            con.close()
    return got


def contains(folder, text):
    found = []
    for n in sorted(os.listdir(folder)):
        p = os.path.join(folder, n)
        if os.path.isdir(p):
            for f in sorted(os.listdir(p)):
                with open(os.path.join(p, f), "rb") as x:
                    if text.encode("utf-8") in x.read():
                        found.append("%s/%s" % (n, f))
        elif n.endswith(".sqlite"):
            con = sqlite3.connect("file:%s?mode=ro&immutable=1" % p, uri=True)
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
                for row in con.execute('SELECT * FROM "%s"' % t):
                    if any(text in str(v) for v in row):
                        found.append("%s: %s" % (n, t))
                        break
            con.close()
        elif n.endswith(".xlsx"):
            with zipfile.ZipFile(p) as z:
                found += ["%s: %s" % (n, m) for m in z.namelist() if text.encode("utf-8") in z.read(m)]
        else:
            with open(p, "rb") as x:
                if text.encode("utf-8") in x.read():
                    found.append(n)
    return found


def variant(text, n):
    return re.sub(r"(\d+)%", lambda m: "%d%%" % (int(m.group(1)) + n), text)


def csv_corpus(samples, dst, rows):
    reports = sorted(os.path.join(samples, f) for f in os.listdir(samples) if f.endswith(".txt"))
    with open(dst, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "标题", "地区", "年份", "链接", "正文"])
        for k in range(rows):
            with open(reports[k % len(reports)], encoding="utf-8") as r:
                text = variant(r.read(), 10 + k)
            title = next((line.strip() for line in text.splitlines() if "报告" in line), "")
            w.writerow([k + 1, title[:60], "", "", "https://example.gov.cn/%d.html" % k, text])


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "compare" and len(argv) == 4:
        diffs = compare(argv[2], argv[3])
        shown = {}
        for d in diffs:  # the first few of each output
            output = re.split(r"[:/]", d, maxsplit=1)[0]
            shown[output] = shown.get(output, 0) + 1
            if shown[output] <= MAX_REPORTED:
                print("  " + d)
        for output, n in shown.items():
            if n > MAX_REPORTED:
                print("  %s: … and %d more differences" % (output, n - MAX_REPORTED))
        return 1 if diffs else 0
    if cmd == "summary" and len(argv) >= 4:
        ev = summary(argv[2])
        if ev is None:
            print("no summary event in %s" % argv[2])
            return 1
        for k in argv[3:]:
            print(json.dumps(ev[k], ensure_ascii=False) if k in ev else "MISSING")
        return 0
    if cmd == "warnings" and len(argv) == 4:
        n = 0
        with open(argv[2], encoding="utf-8", errors="replace") as f:
            for line in f:
                if argv[3] not in line:
                    continue
                if line.startswith("{"):
                    try:
                        n += json.loads(line).get("level") in ("warn", "warning")
                    except ValueError:
                        pass
                elif re.match(r"^\S+ warn ", line):
                    n += 1
        print(n)
        return 0
    if cmd == "sources" and len(argv) == 3:
        docs = documents(argv[2])
        sets = {fmt: sorted(d) for fmt, d in docs.items()}
        first = next(iter(sets.values()), [])
        for s in first:
            print(s)
        if any(v != first for v in sets.values()):
            print("formats disagree: %s" % {k: len(v) for k, v in sets.items()}, file=sys.stderr)
            return 1
        return 0
    if cmd == "values" and len(argv) == 6:
        got = values(*argv[2:6])
        first = next(iter(got.values()), [])
        for v in first:
            print(v)
        if any(v != first for v in got.values()):
            print("formats disagree: %s" % got, file=sys.stderr)
            return 1
        return 0
    if cmd == "contains" and len(argv) == 4:
        for f in contains(argv[2], argv[3]):
            print(f)
        return 0
    if cmd == "variant" and len(argv) == 5:
        with open(argv[2], encoding="utf-8") as f:
            text = variant(f.read(), int(argv[4]))
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    if cmd == "csv-corpus" and len(argv) == 5:
        csv_corpus(argv[2], argv[3], int(argv[4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
