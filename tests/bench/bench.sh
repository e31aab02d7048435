#!/usr/bin/env bash
# Benchmark of extraction speed: baogao (--dry-run: decode, clean, extract, no
# output written) against the researcher's Python script (../shared/bench/pyref.py,
# its extract() alone, through tests/bench/pyref_extract.py) on generated corpora
# of realistic reports (tests/bench/make_corpus.py), with 1 and 2 workers; then
# a single-document check (one single-line report of 1 MB and one of 16 MB).
# Prints Markdown for a README: the machine, one table per corpus size, the
# ratios, the exact commands. Figures are measured, not asserted; not part of
# the test suite.
# Usage: tests/bench/bench.sh [MB...]   (default: 50 500; from the repository root after .ci/setup)
# Environment: REPEATS (3) runs of each command, median and min-max reported;
#   SEED (1) of the corpus; BENCH_CACHE (/tmp/baogao-bench) where generated
#   corpora are kept and reused (same size, seed, generator and base texts); PYREF
#   (../shared/bench/pyref.py); BAOGAO (build/baogao); SCALING (1; 0 skips the
#   single-document check); TIMEOUT (3600) seconds at most for one run;
#   PROFILE (1; 0 skips the perf profile of one worker on the first corpus).
# Progress goes to stderr, the report to stdout: tests/bench/bench.sh 50 | tee bench.md
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
scaling=${SCALING:-1}
timeout_s=${TIMEOUT:-3600}
gen=$root/tests/bench/make_corpus.py
driver=$root/tests/bench/pyref_extract.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$baogao" ] || { echo "bench: no $baogao (run .ci/setup first, from the repository root)" >&2; exit 2; }
[ -f "$pyref" ] || { echo "bench: no $pyref (set PYREF)" >&2; exit 2; }
say() { echo "bench: $*" >&2; }
. "$root/tests/bench/common.sh"
binary=$(stamp_of)
# -q prints nothing on success in newer builds; --summary (where known) keeps the one summary line
summary_flag=(); help=$("$baogao" --help 2>&1 || true); [[ $help != *--summary* ]] || summary_flag=(--summary)
failures=0
: > "$tmp/failures.md"
: > "$tmp/summary-oneline"
: > "$tmp/commands"


# job: a job config reading the current corpus, beside it in the cache (so that
# the printed commands can be run again); exporters are unused with --dry-run.
job() {
  job_file=$corpus_dir.job.json
  cat > "$job_file" <<JSON
{"job":"bench","sources":[{"path":"$corpus_dir","recursive":true}],"exporters":[{"plugin":"csv","output":"out/csv"}]}
JSON
}

# measure NAME COMMAND...: run COMMAND REPEATS times on the current corpus
# (corpus_bytes, corpus_files, label); print a Markdown row (median wall time,
# min-max, MB/s and documents/s at the median, peak RSS over the runs) and
# keep the figures in wall[label|NAME], mbps[...], rss[...].
declare -A wall mbps rss
measure() {
  local name=$1; shift
  local i rc secs kb peak=0
  echo "\`${*}\`" >> "$tmp/commands"
  : > "$tmp/times"
  for i in $(seq 1 "$repeats"); do
    say "$label: $name, run $i of $repeats"
    rc=0
    # KILL: baogao reads SIGTERM only between documents
    /usr/bin/time -f '%e %M' -o "$tmp/time" timeout -s KILL "$timeout_s" "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
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
  done
  last_out=$(tail -n 1 "$tmp/out"); last_err=$(grep -a 'summary' "$tmp/err" | tail -n 1 || true)
  read -r med lo hi < <(sort -n "$tmp/times" | awk '{ a[NR] = $1 } END {
    printf "%s %s %s\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], a[NR] }')
  wall[$label|$name]=$med
  mbps[$label|$name]=$(awk -v b="$corpus_bytes" -v s="$med" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e6 / s : 0) }')
  rss[$label|$name]=$(awk -v kb="$peak" 'BEGIN { printf "%.1f", kb / 1024 }')
  awk -v name="$name" -v med="$med" -v lo="$lo" -v hi="$hi" -v mbps="${mbps[$label|$name]}" \
      -v docs="$corpus_files" -v rss="${rss[$label|$name]}" -v rc="$rc" 'BEGIN {
    dps = (med > 0 ? docs / med : 0)
    printf "| %s | %.2f | %.2f–%.2f | %.2f | %.*f | %.1f |%s\n", name, med, lo, hi, mbps,
      (dps < 100 ? 1 : 0), dps, rss, (rc != 0 ? " failed (exit " rc ")" : "") }'
}


table_head() {
  echo
  echo "### $1"
  echo
  echo "| run | wall s (median) | min–max s | MB/s | documents/s | peak RSS MiB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
}

# ---- the report -------------------------------------------------------------
echo "## Extraction benchmark"
echo
echo "- machine: $(machine_facts)"
echo "- baogao: $("$baogao" --version 2>&1 | head -n 1), $baogao $binary, work tree $(git describe --always --dirty 2>/dev/null || echo unknown)"
echo "- reference: $pyref (sha1 $(sha1sum "$pyref" | cut -c1-12)), $(/usr/bin/python3 --version 2>&1)"
echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the figures down); $repeats runs of each command (median, min–max; MB = 10^6 bytes; corpus in the page cache)"
echo "- peak RSS: /usr/bin/time's maximum resident set size, of the largest single process (pyref: one of its pool processes or the parent that gathers every result, never their sum)"

for mb in "${sizes[@]}"; do
  label="${mb} MB"
  corpus "corpus-${mb}mb" --mb "$mb"
  job
  gen_line=$(tail -n 1 "$corpus_dir.stamp" | sed 's/ in [^ ]*, [0-9.]* s$//')
  table_head "$label corpus: $corpus_files files, $(awk -v b="$corpus_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB (make_corpus.py --mb $mb --seed $seed)"
  for j in 1 2; do
    measure "baogao -j$j" "$baogao" run --dry-run -q "${summary_flag[@]}" --no-progress -j"$j" -c "$job_file"
    [ -z "$last_err" ] || echo "baogao -j$j: $last_err" >> "$tmp/summary-$mb"
  done
  # more runs go here, e.g. an exporter's: measure "baogao csv -j2" "$baogao" run -q --no-progress -j2 -c "$job_file"
  for j in 1 2; do
    measure "pyref -j$j" /usr/bin/python3 "$driver" "$pyref" "$corpus_dir" "$j"
    echo "pyref -j$j: $last_out" >> "$tmp/summary-$mb"
  done
  echo
  echo "Corpus: $gen_line."
  echo
  echo "What each extracted (the last run's own summary):"
  echo
  sed 's/^/- /' "$tmp/summary-$mb"
done

echo
echo "### Ratios"
echo
printf '| ratio |'; for mb in "${sizes[@]}"; do printf ' %s MB |' "$mb"; done; echo
printf '| --- |'; for mb in "${sizes[@]}"; do printf ' ---: |'; done; echo
printf '| baogao -j2 ÷ pyref -j2 (MB/s) |'
for mb in "${sizes[@]}"; do printf ' %s |' "$(ratio "${mbps[$mb MB|baogao -j2]}" "${mbps[$mb MB|pyref -j2]}")"; done; echo
printf '| baogao -j1 ÷ pyref -j1 (MB/s) |'
for mb in "${sizes[@]}"; do printf ' %s |' "$(ratio "${mbps[$mb MB|baogao -j1]}" "${mbps[$mb MB|pyref -j1]}")"; done; echo
printf '| baogao -j2 ÷ baogao -j1 (MB/s) |'
for mb in "${sizes[@]}"; do printf ' %s |' "$(ratio "${mbps[$mb MB|baogao -j2]}" "${mbps[$mb MB|baogao -j1]}")"; done; echo
printf '| pyref -j2 ÷ pyref -j1 (MB/s) |'
for mb in "${sizes[@]}"; do printf ' %s |' "$(ratio "${mbps[$mb MB|pyref -j2]}" "${mbps[$mb MB|pyref -j1]}")"; done; echo
if [ ${#sizes[@]} -gt 1 ]; then
  first=${sizes[0]}; last=${sizes[${#sizes[@]} - 1]}
  echo
  echo "Peak RSS of the $last MB run ÷ the $first MB run (the corpus is $(ratio "$last" "$first")× larger):"
  echo
  for name in "baogao -j1" "baogao -j2" "pyref -j1" "pyref -j2"; do
    echo "- $name: ${rss[$last MB|$name]} MiB ÷ ${rss[$first MB|$name]} MiB = $(ratio "${rss[$last MB|$name]}" "${rss[$first MB|$name]}")"
  done
fi

if [ "$scaling" = 1 ]; then
  label="single document"
  table_head "Single document: one single-line report of 1 MB and of 16 MB (baogao --dry-run -j1)"
  for mb in 1 16; do
    corpus "oneline-${mb}mb" --one-line "$mb"
    job
    measure "$mb MB, one line" "$baogao" run --dry-run -q "${summary_flag[@]}" --no-progress -j1 -c "$job_file"
    [ -z "$last_err" ] || echo "$mb MB: $last_err" >> "$tmp/summary-oneline"
  done
  if [ -s "$tmp/summary-oneline" ]; then echo; sed 's/^/- /' "$tmp/summary-oneline"; fi
  echo
  echo "Time 16 MB ÷ 1 MB: $(ratio "${wall[single document|16 MB, one line]}" "${wall[single document|1 MB, one line]}") (16 for linear time);" \
       "peak RSS ${rss[single document|1 MB, one line]} MiB (1 MB), ${rss[single document|16 MB, one line]} MiB (16 MB)"
fi

# the profile: where one worker's time goes on the first corpus (perf, when
# the machine has it; PROFILE=0 skips it)
if [ "${PROFILE:-1}" = 1 ] && command -v perf >/dev/null 2>&1; then
  first_mb=${sizes[0]}
  corpus "corpus-${first_mb}mb" --mb "$first_mb"
  job
  say "profile: perf record of baogao run --dry-run -j1 on $first_mb MB"
  if perf record -q -g -o "$tmp/perf.data" "$baogao" run -c "$job_file" --dry-run -j1 -q >/dev/null 2>"$tmp/perf.err"; then
    echo
    echo "### Profile ($first_mb MB corpus, \`run --dry-run -j1\`, perf, self time)"
    echo
    echo "| share | function |"
    echo "| ---: | --- |"
    perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
      awk '/^ +[0-9.]+%/ && !/^ +[0-9.]+%.*--/ { sub(/^ +/, ""); pct = $1; sym = $NF; if (sym == "-") sym = $(NF - 2);
        for (i = 2; i <= NF; i++) if ($i == "[.]" || $i == "[k]") { sym = $(i + 1); break }
        if (sym ~ /^0x/) next  # an address perf could not name (inside a library without symbols)
        if (++n <= 10) print "| " pct " | `" sym "` |" }'  # reads to the end: no SIGPIPE for perf under pipefail
  else
    say "profile skipped: $(tail -n 1 "$tmp/perf.err")"
  fi
fi

echo
echo "### Commands"
echo
echo "From the repository root, after \`.ci/setup\`: \`REPEATS=$repeats SEED=$seed$([ "$baogao" = build/baogao ] || echo " BAOGAO=$baogao")$([ "$scaling" = 1 ] || echo " SCALING=$scaling") tests/bench/bench.sh ${sizes[*]}\`, which runs (each job file is"
echo "\`{\"job\":\"bench\",\"sources\":[{\"path\":\"CORPUS\",\"recursive\":true}],\"exporters\":[{\"plugin\":\"csv\",\"output\":\"out/csv\"}]}\` beside its corpus):"
echo
awk '!seen[$0]++ { print "- " $0 }' "$tmp/commands"
echo "- corpora: \`python3 tests/bench/make_corpus.py --mb MB --seed $seed --out DIR\`, \`python3 tests/bench/make_corpus.py --one-line MB --seed $seed --out DIR\` (kept in $cache)"

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
