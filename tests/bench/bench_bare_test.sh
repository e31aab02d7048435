#!/bin/sh
# bench_bare against the sample job: the job's csv exporter writes its folder
# (excel profile, as config/reports.json has it), bench_bare reads it back and
# writes it with each bare library; the counts it prints must be those of the
# CSV files, and its CSV, JSON, SQLite (and, when openpyxl is there, XLSX)
# outputs must hold those rows, value for value. Then a folder whose CSV
# breaks its datapackage.json must fail, naming the file.
# Usage: bench_bare_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
python=/usr/bin/python3
[ -x "$python" ] || python=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/baogao-bench-bare-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$python" - "$src/config/reports.json" "$work" <<'PY'
import json, os, sys
config_path, work = sys.argv[1], sys.argv[2]
job = json.load(open(config_path, encoding="utf-8"))
here = os.path.dirname(os.path.abspath(config_path))
for source in job["sources"]:
    source["path"] = os.path.normpath(os.path.join(here, source["path"]))
csv = [e for e in job["exporters"] if e["plugin"] == "csv"]
assert len(csv) == 1, "the sample job has one csv exporter"
job.update(exporters=[dict(csv[0], output="out/csv")], lock="out/.lock", state="out/.state.json")
json.dump(job, open(os.path.join(work, "job.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
"$build/baogao" run -q --no-progress -c "$work/job.json"
"$build/tests/bench/bench_bare" "$work/out/csv" "$work/bare" > "$work/bare.out"
cat "$work/bare.out"

"$python" - "$work/out/csv" "$work/bare" "$work/bare.out" <<'PY'
import csv, json, math, os, sqlite3, sys
folder, bare, printed = sys.argv[1:4]
report = json.loads(open(printed, encoding="utf-8").read())
package = json.load(open(os.path.join(folder, "datapackage.json"), encoding="utf-8"))
IDENTITY = {"province", "region", "region_code", "region_level", "plan_year"}

def typed(value, kind):
    if value == "" and kind != "string":
        return None
    return {"integer": int, "number": float}.get(kind, str)(value)

def read_csv(path, encoding):
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.reader(f))

rows = cells = 0
tables = {}
for resource in package["resources"]:
    name, fields = resource["name"], resource["schema"]["fields"]
    records = read_csv(os.path.join(folder, resource["path"]), "utf-8-sig")
    header, data = records[0], records[1:]
    assert header == [f["name"] for f in fields], (name, header)
    assert all(len(r) == len(header) for r in data), name
    rows += len(data)
    cells += sum(len(r) for r in data)
    kinds = [f["type"] for f in fields]
    own = list(range(len(fields)))
    # the csv exporter's identity columns lead (a block opening on the province; none in the
    # documents and in the tables across reports), the JSON and SQLite writers leave them out
    if name != "documents" and fields and fields[0]["name"].removeprefix("doc_") == "province":
        lead = 0
        while lead < len(fields) and (fields[lead]["name"].removeprefix("doc_") in IDENTITY):
            lead += 1
        own = own[lead:]
    tables[name] = (header, kinds, own, [[typed(v, k) for v, k in zip(r, kinds)] for r in data])
assert rows > 100 and len(tables) >= 6, (rows, tables.keys())
assert report["rows"] == rows, (report["rows"], rows)
assert report["cells"] == cells, (report["cells"], cells)
assert report["tables"] == len(tables)
assert report["table_rows"] == {n: len(t[3]) for n, t in tables.items()}, report["table_rows"]
for key in ("load", "csv", "xlsx", "json", "sqlite"):
    assert isinstance(report[key + "_seconds"], (int, float)) and report[key + "_seconds"] >= 0, key

def same(a, b):
    """Python's csv reads a NULL (empty field) and an empty text ("") alike."""
    if {a, b} <= {None, ""}:
        return True
    return a == b or (isinstance(a, float) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-15))

# csv: the same header, the same values (numbers compared as numbers)
for name, (header, kinds, own, data) in tables.items():
    records = read_csv(os.path.join(bare, "csv", name + ".csv"), "utf-8")
    assert records[0] == header, name
    got = [[typed(v, k) for v, k in zip(r, kinds)] for r in records[1:]]
    assert len(got) == len(data), (name, len(got), len(data))
    for i, (g, d) in enumerate(zip(got, data)):
        assert all(same(x, y) for x, y in zip(g, d)), (name, i, g, d)

# json: one document, the table's own columns, every row
document = json.load(open(os.path.join(bare, "bare.json"), encoding="utf-8"))
assert list(document["tables"]) == list(tables)
for name, (header, kinds, own, data) in tables.items():
    got = document["tables"][name]
    assert len(got) == len(data), (name, len(got), len(data))
    for g, d in zip(got, data):
        assert list(g) == [header[c] for c in own], (name, list(g))
        assert all(same(g[header[c]], d[c]) for c in own), (name, g, d)

# sqlite: typed tables, every row in order
db = sqlite3.connect(os.path.join(bare, "bare.sqlite"))
for name, (header, kinds, own, data) in tables.items():
    columns = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
    assert columns == [header[c] for c in own], (name, columns)
    (count,) = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    assert count == len(data), (name, count, len(data))
    for g, d in zip(db.execute(f'SELECT * FROM "{name}" ORDER BY rowid'), data):
        assert all(same(x, d[c]) for x, c in zip(g, own)), (name, g, d)
db.close()

# xlsx: a sheet per table, the header and every row
try:
    import openpyxl
except ImportError:
    print("bench_bare test: no openpyxl, XLSX contents not checked")
else:
    book = openpyxl.load_workbook(os.path.join(bare, "bare.xlsx"), read_only=True)
    assert book.sheetnames == list(tables), book.sheetnames
    for name, (header, kinds, own, data) in tables.items():
        sheet = list(book[name].iter_rows(values_only=True))
        assert list(sheet[0]) == header, (name, sheet[0])
        assert len(sheet) - 1 == len(data), (name, len(sheet) - 1, len(data))
        for g, d in zip(sheet[1:], data):
            g = [v.date().isoformat() if k == "date" and v is not None else v for v, k in zip(g, kinds)]
            assert all(same(x, y) for x, y in zip(g, d)), (name, g, d)
print("bench_bare test: %d rows, %d cells, %d tables: counts and every output agree" % (rows, cells, len(tables)))
PY

# A value that is not of its declared type fails, naming the file and record.
mkdir "$work/broken"
cp "$work/out/csv/datapackage.json" "$work/out/csv/"*.csv "$work/broken/"
"$python" - "$work/broken/targets.csv" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, encoding="utf-8-sig", newline="").read().split("\r\n")
header = lines[0].split(",")
cells = lines[1].split(",")
cells[header.index("seq")] = "not-a-number"
lines[1] = ",".join(cells)
open(path, "w", encoding="utf-8", newline="").write("\r\n".join(lines))
PY
rc=0
"$build/tests/bench/bench_bare" "$work/broken" "$work/bare-broken" > "$work/broken.out" 2> "$work/broken.err" || rc=$?
cat "$work/broken.err"
[ "$rc" -eq 1 ] || { echo "bench_bare on a broken CSV: exit $rc, expected 1"; exit 1; }
grep -q 'targets.csv: record 2, column seq' "$work/broken.err" || { echo "the error names no file, record and column"; exit 1; }
[ ! -s "$work/broken.out" ] || { echo "bench_bare printed figures after failing"; exit 1; }
echo "bench_bare test: passed"
