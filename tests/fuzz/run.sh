#!/usr/bin/env bash
# Runs every libFuzzer target for a fixed time over a copy of its seed
# corpus; a crash, leak or timeout fails the run and leaves the input that
# caused it in BUILD/fuzz-artifacts/ (make it a regression seed in
# tests/fuzz/corpus/NAME/). Build first:
#   CC=clang cmake -S . -B build-fuzz -DBAOGAO_LIBFUZZER=ON && cmake --build build-fuzz
# Usage: tests/fuzz/run.sh BUILD [SECONDS_PER_TARGET] [MAX_LEN]
#   short (CI):  tests/fuzz/run.sh build-fuzz 20
#   long:        tests/fuzz/run.sh build-fuzz 3600 4000000   (inputs up to 4 MB)
set -euo pipefail
build=${1:?usage: run.sh BUILD [SECONDS] [MAX_LEN]}
seconds=${2:-20}
max_len=${3:-65536}
root=$(cd "$(dirname "$0")/../.." && pwd)
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
for target in extract config rules decode numbers corpus; do
  bin="$build/tests/fuzz/fuzz_${target}_libfuzzer"
  [ -x "$bin" ] || { echo "fuzz: $bin is missing (configure with -DBAOGAO_LIBFUZZER=ON)"; exit 2; }
  work=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpus/$target/." "$work/"
  if "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=60 -rss_limit_mb=2560 \
       -artifact_prefix="$artifacts/$target-" -print_final_stats=1 "$work" > "$artifacts/$target.log" 2>&1; then
    echo "fuzz_$target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$artifacts/$target.log" | grep -o '[0-9]*$') inputs in ${seconds}s, no fault"
  else
    echo "fuzz_$target: FAILED, see $artifacts/$target.log"; tail -30 "$artifacts/$target.log"; status=1
  fi
  rm -rf "$work"
done
exit $status
