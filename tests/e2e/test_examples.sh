#!/usr/bin/env bash
# Every example job in config/examples/ and the sample job validate, so the
# examples the README points to stay true.
set -u
build=$1
src=$2
passed=0
failed=0
for f in "$src"/config/reports.json "$src"/config/examples/*.json; do
  if "$build/baogao" check -c "$f" >/dev/null 2>"${TMPDIR:-/tmp}/baogao-example.err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $f"
    cat "${TMPDIR:-/tmp}/baogao-example.err"
  fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
