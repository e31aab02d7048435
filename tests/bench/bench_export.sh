#!/usr/bin/env bash
# Benchmark of the exporters (issue 10): on the generated corpora of bench.sh
# (tests/bench/make_corpus.py, same cache), a job with the four exporters of
# config/reports.json (CSV folder, XLSX, JSON, SQLite, their options as there)
# timed as: each exporter alone (--only PLUGIN), all four at -j1 and -j2, CSV +
# JSON + SQLite (a second job without XLSX), every one of them cold
# (--full-refresh, no earlier output); all four warm (run once to fill the
# cache, then a plain run over the unchanged corpus, outputs in place); the
# Python reference (../shared/bench/pyref.py -j 2, writing all its outputs) on
# the same corpus in the same run; and the bare-library loops (bench_bare:
# libcsv, libxlsxwriter, cJSON and SQLite alone writing the rows of the cold
# run's CSV folder). Each with wall time and peak RSS (/usr/bin/time), the
# median and min-max over REPEATS runs; the exporters' own seconds from the
# --log-json summary ("exporters": the time each exporter's thread spent in
# its plugin). Prints Markdown for a README: the machine, one table per
# corpus, the ratios issue 10 sets goals for, the commands. Figures are
# measured, not asserted; not part of the test suite. A build without
# --full-refresh, a cache or the "exporters" summary is measured all the same
# and the report says what it could not show.
# Usage: tests/bench/bench_export.sh [MB...]   (default: 50 500; from the repository root after .ci/setup)
# Environment: REPEATS (3) runs of each command; SEED (1) of the corpus;
#   BENCH_CACHE (/tmp/baogao-bench) the corpora, shared with bench.sh; PYREF
#   (../shared/bench/pyref.py); BAOGAO (build/baogao); BENCH_BARE (bench_bare
#   of the same build: tests/bench/bench_bare beside BAOGAO); JOBS (2) the -j of
#   every run but the -j1 one and of pyref; TIMEOUT (3600) seconds at most for
#   one run. Outputs go to a temporary folder (TMPDIR), removed at the end.
# Progress goes to stderr, the report to stdout: tests/bench/bench_export.sh 50 | tee export.md
# Exits 1 after the report when a run failed (its errors are in the report).
set -euo pipefail
root=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 500)
repeats=${REPEATS:-3}
seed=${SEED:-1}
cache=${BENCH_CACHE:-/tmp/baogao-bench}
pyref=$(realpath -m "${PYREF:-$root/../shared/bench/pyref.py}")
baogao=${BAOGAO:-build/baogao}
bare=${BENCH_BARE:-$(dirname "$baogao")/tests/bench/bench_bare}
jobs=${JOBS:-2}
timeout_s=${TIMEOUT:-3600}
gen=$root/tests/bench/make_corpus.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/baogao-bench-export-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

[ -x "$baogao" ] || { echo "bench_export: no $baogao (run .ci/setup first, from the repository root)" >&2; exit 2; }
[ -f "$pyref" ] || { echo "bench_export: no $pyref (set PYREF)" >&2; exit 2; }
[ -f config/reports.json ] || { echo "bench_export: run from the repository root" >&2; exit 2; }
say() { echo "bench_export: $*" >&2; }
. "$root/tests/bench/common.sh"
binary=$(stamp_of)

# What this build can do: each missing feature is measured without and named in the report.
help=$("$baogao" --help 2>&1 || true)
has() { [[ $help == *"$1"* ]]; }
summary_flag=(); has --summary && summary_flag=(--summary)
log_flag=(); has --log-json && log_flag=(--log-json)
refresh_flag=(); has --full-refresh && refresh_flag=(--full-refresh)
has_only=0; has --only && has_only=1
[ -x "$bare" ] || bare=
notes=()
[ ${#refresh_flag[@]} -gt 0 ] || notes+=("this build has no \`--full-refresh\`: the cold runs are plain runs after removing the outputs (a cache, if it has one, may serve them)")
[ ${#log_flag[@]} -gt 0 ] || notes+=("this build has no \`--log-json\`: the exporters' own seconds are not shown")
[ "$has_only" = 1 ] || notes+=("this build has no \`--only\`: the exporters alone are not measured")
[ -n "$bare" ] || notes+=("no bench_bare beside $baogao (set BENCH_BARE): the bare-library loops are not measured")

failures=0
: > "$tmp/failures.md"
: > "$tmp/commands"
plugins=(csv xlsx json sqlite)


# make_jobs: $tmp/jobs/all.json (the four exporters of config/reports.json,
# their options and its extract section) and noxlsx.json (the same without
# XLSX), reading the current corpus, writing into $tmp/out/{all,noxlsx}; lock,
# state and cache at their defaults in $tmp/jobs/.baogao, new for each corpus.
make_jobs() {
  rm -rf "$tmp/jobs" "$tmp/out"
  mkdir -p "$tmp/jobs" "$tmp/out"
  /usr/bin/python3 - config/reports.json "$corpus_dir" "$tmp" <<'PY'
import json, sys
config, corpus, tmp = sys.argv[1:4]
job = json.load(open(config, encoding="utf-8"))
names = {"csv": "csv", "xlsx": "bench.xlsx", "json": "bench.json", "sqlite": "bench.sqlite"}
for kind, keep in (("all", names), ("noxlsx", {k: v for k, v in names.items() if k != "xlsx"})):
    exporters = [dict(e, output=f"{tmp}/out/{kind}/{keep[e['plugin']]}") for e in job["exporters"] if e["plugin"] in keep]
    assert sorted(e["plugin"] for e in exporters) == sorted(keep), "config/reports.json: one exporter of each plugin"
    bench = {"job": f"bench-export-{kind}", "sources": [{"path": corpus, "recursive": True}],
             "extract": job.get("extract", {}), "exporters": exporters}
    json.dump(bench, open(f"{tmp}/jobs/{kind}.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
}

clean_all() { rm -rf "$tmp/out/all"; }
clean_noxlsx() { rm -rf "$tmp/out/noxlsx"; }
clean_pyref() { rm -rf "$tmp/pyref-out"; }
clean_bare() { rm -rf "$tmp/bare"; }

# own_seconds ERR OUT: the exporters' own seconds of one run, "plugin seconds"
# per line (the --log-json summary's "exporters", summed per plugin; or
# bench_bare's "<plugin>_seconds"), then "cached N" and "extracted N" when the
# summary has them.
own_seconds() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
def objects(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                pass
summary = None
for o in objects(sys.argv[1]):
    if o.get("event") == "summary":
        summary = o
own = {}
if summary:
    for e in summary.get("exporters") or []:
        # processor time where the build reports it (other threads on the
        # same two processors inflate the wall time inside the plugin)
        key = "cpu_seconds" if isinstance(e, dict) and isinstance(e.get("cpu_seconds"), (int, float)) else "seconds"
        if isinstance(e, dict) and isinstance(e.get(key), (int, float)):
            own[e.get("plugin")] = own.get(e.get("plugin"), 0) + e[key]
    for key in ("cached", "extracted", "documents"):
        if isinstance(summary.get(key), int):
            print(f"#{key} {summary[key]}")
for o in objects(sys.argv[2]):
    for plugin in ("csv", "xlsx", "json", "sqlite", "sqlite_keyed"):
        if isinstance(o.get(plugin + "_seconds"), (int, float)):
            own[plugin] = o[plugin + "_seconds"]
    if isinstance(o.get("rows"), int):
        print(f"#rows {o['rows']}\n#cells {o['cells']}")
for plugin, seconds in own.items():
    print(f"{plugin} {seconds}")
PY
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%s\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# measure NAME PRE COMMAND...: run PRE (outside the timing) then COMMAND,
# REPEATS times, on the current corpus (label); print a Markdown row (median
# wall time, min-max, peak RSS over the runs, the median own seconds of each
# exporter) and keep the figures in wall[label|NAME], rss[...],
# own[label|NAME|plugin], fact[label|NAME|key] (the last run's cached,
# extracted, documents, rows, cells).
declare -A wall rss own fact
measure() {
  local name=$1 pre=$2; shift 2
  local i rc secs kb peak=0 plugin key value
  echo "\`${*}\`" | sed "s|$tmp|\$TMP|g" >> "$tmp/commands"
  : > "$tmp/times"
  : > "$tmp/own"
  for i in $(seq 1 "$repeats"); do
    say "$label: $name, run $i of $repeats"
    "$pre"
    rc=0
    # KILL: baogao reads SIGTERM only between documents
    /usr/bin/time -f '%e %M' -o "$tmp/time" timeout -s KILL "$timeout_s" "$@" > "$tmp/out.txt" 2> "$tmp/err" || rc=$?
    if [ "$rc" -ne 0 ]; then
      failures=$((failures + 1))
      { echo "- $label, $name, run $i: exit $rc$([ "$rc" -eq 137 ] && echo " (killed: over $timeout_s s, or out of memory)")"
        echo; echo '  ```'; grep -v '^Command exited with non-zero status' "$tmp/err" | tail -n 20 | sed 's/^/  /'
        echo '  ```'; } >> "$tmp/failures.md"
      say "$name failed (exit $rc): $(tail -n 1 "$tmp/err")"
    fi
    read -r secs kb < <(tail -n 1 "$tmp/time")
    echo "$secs" >> "$tmp/times"
    [ "$kb" -gt "$peak" ] && peak=$kb
    own_seconds "$tmp/err" "$tmp/out.txt" >> "$tmp/own"
  done
  last_out=$(tail -n 1 "$tmp/out.txt")
  read -r med lo hi < <(sort -n "$tmp/times" | awk '{ a[NR] = $1 } END {
    printf "%s %s %s\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], a[NR] }')
  wall[$label|$name]=$med
  rss[$label|$name]=$(awk -v kb="$peak" 'BEGIN { printf "%.1f", kb / 1024 }')
  local cells=""
  for plugin in "${plugins[@]}"; do
    value=$(awk -v p="$plugin" '$1 == p { print $2 }' "$tmp/own" | median)
    own[$label|$name|$plugin]=$value
    cells="$cells $(awk -v v="$value" 'BEGIN { if (v == "") print "– |"; else printf "%.2f |\n", v }')"
  done
  for key in cached extracted documents rows cells; do
    fact[$label|$name|$key]=$(awk -v k="#$key" '$1 == k { v = $2 } END { print v }' "$tmp/own")
  done
  awk -v name="$name" -v med="$med" -v lo="$lo" -v hi="$hi" -v rss="${rss[$label|$name]}" -v rc="$rc" -v cells="$cells" 'BEGIN {
    printf "| %s | %.2f | %.2f–%.2f | %.1f |%s%s\n", name, med, lo, hi, rss, cells, (rc != 0 ? " failed (exit " rc ")" : "") }'
}


# ---- the report -------------------------------------------------------------
run_flags=(-q "${summary_flag[@]}" --no-progress "${log_flag[@]}")
echo "## Exporter benchmark"
echo
echo "- machine: $(machine_facts)"
echo "- baogao: $("$baogao" --version 2>&1 | head -n 1), $baogao $binary, work tree $(git describe --always --dirty 2>/dev/null || echo unknown)"
echo "- reference: $pyref (sha1 $(sha1sum "$pyref" | cut -c1-12)), $(/usr/bin/python3 --version 2>&1), run as \`pyref.py OUT CORPUS -j $jobs\`: extraction and all its outputs (CSV, JSON, SQLite, XLSX)"
echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the figures down); $repeats runs of each command (median, min–max; MB = 10^6 bytes; corpus in the page cache)"
echo "- cold: \`--full-refresh\` with no earlier output; warm: a plain run over the unchanged corpus after one run filled the cache, outputs in place. Peak RSS: /usr/bin/time's maximum resident set size of the largest single process. Own seconds: the processor time each exporter's thread spent in its plugin (the \`--log-json\` summary's \`exporters\`, \`cpu_seconds\`; older builds: the wall time, \`seconds\`); for the bare loops, each library's writing time (bench_bare, after loading the rows)"
for note in "${notes[@]}"; do echo "- **$note**"; done

for mb in "${sizes[@]}"; do
  label="${mb} MB"
  corpus "corpus-${mb}mb" --mb "$mb"
  make_jobs
  all=(run "${run_flags[@]}" "${refresh_flag[@]}" -c "$tmp/jobs/all.json")
  echo
  echo "### $label corpus: $corpus_files files, $(awk -v b="$corpus_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB (make_corpus.py --mb $mb --seed $seed)"
  echo
  echo "| run | wall s (median) | min–max s | peak RSS MiB | csv own s | xlsx own s | json own s | sqlite own s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  if [ "$has_only" = 1 ]; then
    for plugin in "${plugins[@]}"; do
      measure "$plugin alone, cold -j$jobs" clean_all "$baogao" "${all[@]}" --only "$plugin" -j"$jobs"
    done
  fi
  measure "all four, cold -j1" clean_all "$baogao" "${all[@]}" -j1
  measure "all four, cold -j$jobs" clean_all "$baogao" "${all[@]}" -j"$jobs"
  rm -rf "$tmp/cold-csv"
  [ ! -d "$tmp/out/all/csv" ] || cp -r "$tmp/out/all/csv" "$tmp/cold-csv"
  measure "CSV + JSON + SQLite, cold -j$jobs" clean_noxlsx "$baogao" run "${run_flags[@]}" "${refresh_flag[@]}" -c "$tmp/jobs/noxlsx.json" -j"$jobs"
  clean_noxlsx
  say "$label: filling the cache (one plain run, not timed)"
  "$baogao" run -q --no-progress -j"$jobs" -c "$tmp/jobs/all.json" > /dev/null 2> "$tmp/fill.err" ||
    say "the run filling the cache failed: $(tail -n 1 "$tmp/fill.err")"
  measure "all four, warm -j$jobs" true "$baogao" run "${run_flags[@]}" -j"$jobs" -c "$tmp/jobs/all.json"
  same_csv="not compared (no CSV folder)"
  if [ -d "$tmp/cold-csv" ] && [ -d "$tmp/out/all/csv" ]; then
    differ=$(cd "$tmp/cold-csv" && for f in *.csv; do cmp -s "$f" "$tmp/out/all/csv/$f" || printf ' %s' "$f"; done)
    same_csv=$([ -z "$differ" ] && echo "the same bytes as the cold run's" || echo "**differ from the cold run's:$differ**")
  fi
  clean_all
  measure "pyref -j$jobs" clean_pyref /usr/bin/python3 "$pyref" "$tmp/pyref-out" "$corpus_dir" -j "$jobs"
  pyref_out=$last_out
  clean_pyref
  if [ -n "$bare" ] && [ -d "$tmp/cold-csv" ]; then
    measure "bare libraries (bench_bare)" clean_bare "$bare" "$tmp/cold-csv" "$tmp/bare"
    clean_bare
  fi
  rm -rf "$tmp/cold-csv"

  echo
  echo "Corpus: $(tail -n 1 "$corpus_dir.stamp" | sed 's/ in [^ ]*, [0-9.]* s$//')."
  echo
  echo "What the runs did (the last run of each):"
  echo
  for name in "all four, cold -j$jobs" "all four, warm -j$jobs"; do
    docs=${fact[$label|$name|documents]:-} cached=${fact[$label|$name|cached]:-} extracted=${fact[$label|$name|extracted]:-}
    echo "- $name: ${docs:-?} documents, $([ -n "$cached" ] && echo "$cached from the cache, ${extracted:-?} extracted" || echo "no cache figures in the summary")"
  done
  echo "- warm run's CSV files: $same_csv"
  echo "- pyref: $pyref_out"
  [ -z "$bare" ] || echo "- bench_bare: ${fact[$label|bare libraries (bench_bare)|rows]:-?} rows, ${fact[$label|bare libraries (bench_bare)|cells]:-?} cells (the cold run's CSV folder; the JSON and SQLite loops leave out the CSV exporter's identity columns, as those plugins do)"
done

# ---- ratios -----------------------------------------------------------------
row() { # TITLE FUNCTION: a row of the ratio table, FUNCTION LABEL printing each size's figure
  printf '| %s |' "$1"
  for mb in "${sizes[@]}"; do printf ' %s |' "$("$2" "$mb MB")"; done
  echo
}
r_all() { ratio "${wall[$1|pyref -j$jobs]:-}" "${wall[$1|all four, cold -j$jobs]:-}"; }
r_noxlsx() { ratio "${wall[$1|pyref -j$jobs]:-}" "${wall[$1|CSV + JSON + SQLite, cold -j$jobs]:-}"; }
slowest() { # LABEL: "plugin seconds" of the slowest exporter alone
  local plugin best="" name=""
  for plugin in "${plugins[@]}"; do
    local s=${wall[$1|$plugin alone, cold -j$jobs]:-}
    [ -n "$s" ] || continue
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$s; name=$plugin; fi
  done
  echo "$name $best"
}
slowest_own() { # LABEL: the largest own seconds of an exporter alone
  local plugin best=""
  for plugin in "${plugins[@]}"; do
    local s=${own[$1|$plugin alone, cold -j$jobs|$plugin]:-}
    [ -n "$s" ] || continue
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$s; fi
  done
  echo "$best"
}
r_slowest_own() { ratio "${wall[$1|all four, cold -j$jobs]:-}" "$(slowest_own "$1")"; }
r_slowest() { local s; read -r _ s < <(slowest "$1"); ratio "${wall[$1|all four, cold -j$jobs]:-}" "$s"; }
n_slowest() { local n s; read -r n s < <(slowest "$1"); [ -n "$n" ] && echo "$n ($s s)" || echo "–"; }
r_warm() { ratio "${wall[$1|all four, warm -j$jobs]:-}" "${wall[$1|all four, cold -j$jobs]:-}"; }
r_own() { # LABEL, with run_name and plugin set
  ratio "${own[$1|$run_name|$plugin]:-}" "${own[$1|bare libraries (bench_bare)|$plugin]:-}"; }
r_own_keyed() { # LABEL: SQLite against the bare loop with the same primary keys and doc_id index
  ratio "${own[$1|$run_name|sqlite]:-}" "${own[$1|bare libraries (bench_bare)|sqlite_keyed]:-}"; }

echo
echo "### Ratios"
echo
printf '| ratio (goal of issue 10) |'; for mb in "${sizes[@]}"; do printf ' %s MB |' "$mb"; done; echo
printf '| --- |'; for mb in "${sizes[@]}"; do printf ' ---: |'; done; echo
row "pyref -j$jobs ÷ all four, cold -j$jobs (wall; ≥ 5)" r_all
row "pyref -j$jobs ÷ CSV + JSON + SQLite, cold -j$jobs (wall; ≥ 8)" r_noxlsx
if [ "$has_only" = 1 ]; then
  row "slowest exporter alone, cold -j$jobs" n_slowest
  row "all four, cold -j$jobs ÷ the slowest alone (wall ÷ its wall; ≤ 1.15)" r_slowest
  row "all four, cold -j$jobs ÷ the slowest alone (wall ÷ its own s)" r_slowest_own
fi
if [ "$has_only" = 1 ]; then
  for plugin in "${plugins[@]}"; do
    run_name="$plugin alone, cold -j$jobs"
    row "$plugin own s alone ÷ its bare loop (≤ 1.25)" r_own
  done
  run_name="sqlite alone, cold -j$jobs"
  row "sqlite own s alone ÷ the bare loop with the same keys" r_own_keyed
fi
run_name="all four, cold -j$jobs"
for plugin in "${plugins[@]}"; do row "$plugin own s in all four, cold -j$jobs ÷ its bare loop" r_own; done
row "all four, warm -j$jobs ÷ cold -j$jobs (wall; ≤ 0.30)" r_warm

if [ ${#sizes[@]} -gt 1 ]; then
  first=${sizes[0]}; last=${sizes[${#sizes[@]} - 1]}
  echo
  echo "Peak RSS of the $last MB corpus ÷ the $first MB corpus (the corpus is $(ratio "$last" "$first")× larger; goal for all four: at most 100 MB at 500 MB, within 1.20×):"
  echo
  names=()
  [ "$has_only" = 1 ] && for plugin in "${plugins[@]}"; do names+=("$plugin alone, cold -j$jobs"); done
  names+=("all four, cold -j1" "all four, cold -j$jobs" "CSV + JSON + SQLite, cold -j$jobs" "all four, warm -j$jobs" "pyref -j$jobs")
  [ -z "$bare" ] || names+=("bare libraries (bench_bare)")
  for name in "${names[@]}"; do
    echo "- $name: ${rss[$last MB|$name]:-–} MiB ÷ ${rss[$first MB|$name]:-–} MiB = $(ratio "${rss[$last MB|$name]:-}" "${rss[$first MB|$name]:-}")"
  done
fi

# what the build's summary lacked, seen in its runs
late=()
first_label="${sizes[0]} MB"
if [ ${#log_flag[@]} -gt 0 ] && [ -z "${own[$first_label|all four, cold -j$jobs|csv]:-}" ]; then
  late+=("this build's \`--log-json\` summary has no \`exporters\` array: the exporters' own seconds, and their ratios to the bare loops, are not shown")
fi
if [ ${#log_flag[@]} -gt 0 ] && [ -z "${fact[$first_label|all four, warm -j$jobs|cached]:-}" ]; then
  late+=("this build's summary has no \`cached\` count: it has no cache, and the warm run is a second full run")
fi
if [ ${#late[@]} -gt 0 ]; then
  echo
  for note in "${late[@]}"; do echo "- **$note**"; done
fi

echo
echo "### Commands"
echo
env_set="REPEATS=$repeats SEED=$seed$([ "$jobs" = 2 ] || echo " JOBS=$jobs")$([ "$baogao" = build/baogao ] || echo " BAOGAO=$baogao")"
env_set="$env_set${PYREF:+ PYREF=$PYREF}${BENCH_BARE:+ BENCH_BARE=$BENCH_BARE}${BENCH_CACHE:+ BENCH_CACHE=$BENCH_CACHE}"
echo "From the repository root, after \`.ci/setup\`: \`$env_set tests/bench/bench_export.sh ${sizes[*]}\`, which runs, for each corpus (\$TMP is a temporary folder; \$TMP/jobs/all.json is config/reports.json's extract section and four exporters with their options, reading the corpus and writing into \$TMP/out/all; noxlsx.json the same without XLSX):"
echo
awk '!seen[$0]++ { print "- " $0 }' "$tmp/commands"
echo "- corpora: \`python3 tests/bench/make_corpus.py --mb MB --seed $seed --out DIR\` (kept in $cache)"
if [ -f "$tmp/jobs/all.json" ]; then
  echo
  echo "The last corpus's all.json:"
  echo
  echo '```json'
  sed "s|$tmp|\$TMP|g" "$tmp/jobs/all.json"
  echo
  echo '```'
fi

if [ "$(stamp_of)" != "$binary" ]; then
  echo
  echo "**Warning: $baogao changed during the benchmark (now $(stamp_of)); the figures mix two builds.**"
fi

if [ "$failures" -gt 0 ]; then
  echo
  echo "### Failures ($failures runs)"
  echo
  cat "$tmp/failures.md"
  exit 1
fi
