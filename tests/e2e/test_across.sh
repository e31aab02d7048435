#!/usr/bin/env bash
# The tables across reports end to end, on the blind panel reports of
# samples/panel (a province, a prefecture, its counties, one renamed into a
# district, and the country, 2020-2022):
#  1. CSV: every row the blind gold expects (tests/gold/panel.json) is there
#     with its values (across_check.py);
#  2. every exporter holds them: SQLite and JSON have as many rows as CSV;
#  3. -j1 and -j4 write the same rows;
#  4. without the t+1 report of a region its targets become no_outcome, and
#     without the parent's report its counties are compared with the country alone;
#  5. extract.tables switches them off, and a table across reports without
#     what it is made of is refused with the JSON path;
#  6. `baogao extract` over the same files gives the same rows.
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

job() { # job NAME SOURCE_DIR TABLES_JSON
  cat >"$work/$1.json" <<JSON
{"job": "$1", "sources": [{"path": "$2"}], "cache": false,
 "extract": {"tables": $3},
 "exporters": [
   {"plugin": "csv", "output": "out/$1-csv", "options": {"profile": "rfc4180"}},
   {"plugin": "json", "output": "out/$1.json"},
   {"plugin": "sqlite", "output": "out/$1.sqlite"}]}
JSON
}
all='["targets", "outcomes", "target_outcomes", "escalation", "escalation_summary", "target_changes"]'
across="target_outcomes escalation escalation_summary target_changes"
count_csv() { /usr/bin/python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))))' "$1"; }

# 1. the blind gold's rows
cp -r "$src/samples/panel" "$work/panel"
job panel "$work/panel" "$all"
(cd "$work" && "$build/baogao" run -q -c panel.json -j2) || fail "panel run"
/usr/bin/python3 "$src/tests/e2e/across_check.py" "$src/tests/gold/panel.json" "$work/out/panel-csv" ||
  fail "the across tables differ from the blind gold"

# 2. every exporter
for t in outcomes $across; do
  n=$(count_csv "$work/out/panel-csv/$t.csv")
  [ "$n" -gt 0 ] || fail "$t is empty"
  s=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(f"SELECT count(*) FROM {sys.argv[2]}").fetchone()[0])' "$work/out/panel.sqlite" "$t")
  j=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tables"][sys.argv[2]]))' "$work/out/panel.json" "$t")
  [ "$s" = "$n" ] || fail "$t: SQLite has $s rows, CSV $n"
  [ "$j" = "$n" ] || fail "$t: JSON has $j rows, CSV $n"
done

# 3. -j does not matter
(cd "$work" && "$build/baogao" run -q -c panel.json -j1) || fail "panel run -j1"
cp -r "$work/out/panel-csv" "$work/j1"
(cd "$work" && "$build/baogao" run -q -c panel.json -j4) || fail "panel run -j4"
for t in $across; do
  cmp -s "$work/j1/$t.csv" "$work/out/panel-csv/$t.csv" || fail "$t differs between -j1 and -j4"
done

# 4. a missing t+1 report, a missing parent report
cp -r "$src/samples/panel" "$work/cut"
rm "$work/cut/p07_shaxianqu_2021.txt" "$work/cut/p05_sanming_2021.txt"
job cut "$work/cut" "$all"
(cd "$work" && "$build/baogao" run -q -c cut.json) || fail "cut run"
/usr/bin/python3 - "$work/out/cut-csv" <<'PY' || fail "missing reports"
import csv, sys
d = sys.argv[1]
rows = lambda t: list(csv.DictReader(open(f"{d}/{t}.csv", encoding="utf-8-sig")))
to = [r for r in rows("target_outcomes") if r["region_code"] == "350427"]  # 沙县 2020
assert to and all(r["state"] == "no_outcome" and r["met"] == "" for r in to), to
sm = [r for r in rows("target_outcomes") if r["region_code"] == "350400" and r["year"] == "2020"]
assert sm and all(r["state"] == "no_outcome" for r in sm), sm
# no 三明 2021 report: its counties are still compared with the country's 2021 targets
esc = [r for r in rows("escalation") if r["plan_year"] == "2021" and r["parent_code"] == "350400"]
assert esc and all(r["state"] == "no_parent_report" and r["parent_value"] == "" and r["difference"] == ""
                   for r in esc), esc
assert any(r["national_difference"] != "" for r in esc), esc
PY

# 5. switched off, and refused without its inputs
job off "$work/panel" '["targets"]'
(cd "$work" && "$build/baogao" run -q -c off.json) || fail "run without across tables"
for t in outcomes $across; do
  [ ! -e "$work/out/off-csv/$t.csv" ] || fail "$t.csv written though extract.tables leaves it out"
done
job bad "$work/panel" '["targets", "target_outcomes"]'
set +e
msg=$(cd "$work" && "$build/baogao" check -c bad.json 2>&1)
code=$?
set -e
[ "$code" -eq 2 ] || fail "a table across reports without outcomes: exit $code, want 2"
echo "$msg" | grep -q 'extract.tables: target_outcomes is computed from outcomes' || fail "message: $msg"
# 6. `baogao extract` over the same files gives the run's tables across reports
"$build/baogao" extract "$work/panel"/*.txt >"$work/extract.json" || fail "extract"
/usr/bin/python3 - "$work/extract.json" "$work/out/panel-csv" <<'PY' || fail "extract's across tables differ from the run's"
import csv, json, sys
tables = json.load(open(sys.argv[1]))["tables"]
for t in ("target_outcomes", "escalation", "escalation_summary", "target_changes"):
    want = list(csv.DictReader(open(f"{sys.argv[2]}/{t}.csv", encoding="utf-8-sig")))
    assert len(tables[t]) == len(want), (t, len(tables[t]), len(want))
    got = [{k: "" if v is None else (format(v, "g") if isinstance(v, float) else str(v)) for k, v in r.items()}
           for r in tables[t]]
    for g, w in zip(got, want):
        for k in ("region_code", "indicator", "state", "met", "difference", "change"):
            if k in w:
                assert g[k] == w[k] or (g[k] and w[k] and float(g[k]) == float(w[k])), (t, k, g[k], w[k])
PY
echo "across: all checks passed"
