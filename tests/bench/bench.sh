#!/usr/bin/env bash
# Benchmark: baogao against the researcher's Python script (../shared/bench/pyref.py)
# on the same corpus, both writing CSV, JSON, SQLite and XLSX. Prints wall time,
# peak memory and documents per second for each. Not part of the test suite:
# figures are measured, not asserted.
# Usage: tests/bench/bench.sh [COPIES] [JOBS]   (run from the repository root after .ci/setup)
set -euo pipefail
copies=${1:-400}
jobs=${2:-2}
root=$(pwd)
pyref=${PYREF:-$root/../shared/bench/pyref.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
/usr/bin/python3 -c 'import xlsxwriter' 2>/dev/null || apt-get install -y -qq python3-xlsxwriter >/dev/null

# The corpus: the five samples, each copy made unique by a trailing line so
# that content hashes differ (baogao skips identical content).
mkdir -p "$tmp/corpus"
for i in $(seq 1 "$copies"); do
  for f in samples/reports/*.txt; do
    b=$(basename "$f" .txt)
    { cat "$f"; printf '\n(copy %d)\n' "$i"; } > "$tmp/corpus/${b}_$i.txt"
  done
done
n=$(ls "$tmp/corpus" | wc -l)
bytes=$(du -sb "$tmp/corpus" | cut -f1)

cat > "$tmp/job.json" <<JSON
{ "job": "bench", "sources": [ { "path": "corpus" } ], "jobs": $jobs,
  "exporters": [ { "plugin": "csv", "output": "out/csv" }, { "plugin": "json", "output": "out/bench.json" },
                 { "plugin": "sqlite", "output": "out/bench.sqlite" }, { "plugin": "xlsx", "output": "out/bench.xlsx" } ] }
JSON

measure() { # name command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time.$name" "$@" >/dev/null 2>"$tmp/err.$name" || { cat "$tmp/err.$name"; exit 1; }
  read -r secs kb < "$tmp/time.$name"
  awk -v name="$name" -v n="$n" -v s="$secs" -v kb="$kb" \
    'BEGIN { printf "%-8s %6d docs  %7.2f s  %8.0f docs/s  peak %6.1f MiB\n", name, n, s, (s > 0 ? n / s : 0), kb / 1024 }'
}
echo "corpus: $n documents, $((bytes / 1024)) KiB, $jobs workers, 4 outputs each"
measure baogao build/baogao run -q --no-progress -c "$tmp/job.json"
measure pyref /usr/bin/python3 "$pyref" "$tmp/pyout" "$tmp/corpus" -j "$jobs"
