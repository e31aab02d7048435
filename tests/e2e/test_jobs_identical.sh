#!/usr/bin/env bash
# Outputs do not depend on -j: the same job with all four exporters (CSV
# folder, XLSX, JSON, SQLite) run with -j1 and with -j4, each from no
# previous output and no cache, writes the same outputs apart from the run
# facts (run id, start and finish times); a warm re-run with -j4 too.
# outputs.py says what the run facts are and compares the rest: CSV files
# byte for byte, the JSON without its run-fact keys, every SQLite table and
# view row by row, every XLSX part (sheets, sharedStrings, doc props).
# A control run over a corpus with one figure changed must compare unequal.
set -u
build=$1
src=$2
py=/usr/bin/python3
outputs="$py $src/tests/e2e/outputs.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/baogao-jobs.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# 20 text reports (the samples and three variants of each) and a CSV corpus
# of 6 reports, one per row: 26 documents of different sizes, enough for
# four workers to finish out of order.
job=$work/job
mkdir -p "$job/corpus" "$job/csvcorpus"
cp "$src"/samples/reports/*.txt "$job/corpus/"
for n in 1 2 3; do
  for f in "$src"/samples/reports/*.txt; do
    $outputs variant "$f" "$job/corpus/v${n}_$(basename "$f")" "$n"
  done
done
$outputs csv-corpus "$src/samples/reports" "$job/csvcorpus/rows.csv" 6
cat >"$job/j.json" <<'JSON'
{"sources": ["corpus",
   {"path": "csvcorpus", "format": "csv", "text_column": "正文",
    "columns": {"title": "标题", "region": "地区", "year": "年份", "url": "链接"}}],
 "exporters": [{"plugin": "csv", "output": "out/csv"},
               {"plugin": "xlsx", "output": "out/r.xlsx"},
               {"plugin": "json", "output": "out/r.json"},
               {"plugin": "sqlite", "output": "out/r.sqlite"}]}
JSON
documents=26

# run NAME ARGS...: a run of the job; its outputs moved to $work/NAME, its log in $work/NAME.log
run() {
  local name=$1
  shift
  (cd "$job" && "$build/baogao" run -c j.json --log-json "$@" 2>"$work/$name.log")
  local rc=$?
  [ "$rc" = 0 ] || { fail "$name: baogao run $* exited $rc"; tail -5 "$work/$name.log"; }
  local got
  got=$($outputs summary "$work/$name.log" documents)
  [ "$got" = "$documents" ] || fail "$name: $got documents, want $documents"
  for f in csv/documents.csv csv/targets.csv csv/datapackage.json r.xlsx r.json r.sqlite; do
    [ -s "$job/out/$f" ] || fail "$name: no out/$f"
  done
  mv "$job/out" "$work/$name"
}
same() {
  local what=$1 a=$2 b=$3
  $outputs compare "$work/$a" "$work/$b" >"$work/diff" || {
    fail "$what: outputs of $a and $b differ:"
    cat "$work/diff"
  }
}

run j1 -j1
rm -rf "$job/.baogao"          # no state, no cache: the next run starts cold too
run j1-again -j1
rm -rf "$job/.baogao"
run j4 -j4
run j4-warm -j4                # with whatever the previous run left (a cache, once there is one)
same "two runs with -j1" j1 j1-again
same "-j1 against -j4" j1 j4
same "-j1 against a warm -j4 run" j1 j4-warm

# The comparison can fail: one figure changed in one report changes the outputs.
sed -i 's/GDP增长8%以上/GDP增长6%以上/' "$job/corpus/000_1e858b7b18e6f90d.txt"
grep -q 'GDP增长6%以上' "$job/corpus/000_1e858b7b18e6f90d.txt" || fail "the control edit did not apply"
rm -rf "$job/.baogao"
run changed -j4
if $outputs compare "$work/j1" "$work/changed" >"$work/diff"; then
  fail "a corpus with a changed figure compared equal to the original"
else
  for f in csv/ r.json r.sqlite r.xlsx; do
    grep -q "^  $f" "$work/diff" || fail "the changed figure went unnoticed in $f"
  done
fi

echo "jobs identical: $failed failed"
[ "$failed" -eq 0 ]
