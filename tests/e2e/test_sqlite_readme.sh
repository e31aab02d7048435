#!/usr/bin/env bash
# The notebook queries of the README's sqlite section, run as printed against
# the sample job's database (the five samples and the panel reports): every pd.read_sql / dbGetQuery query with the
# sqlite3 command-line shell, and the Python and R blocks themselves where
# pandas or RSQLite is installed. Each query must return rows.
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/baogao-sqlite-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}

cat >"$tmp/reports.json" <<EOF
{
  "job": "reports",
  "sources": [{ "path": "$src/samples/reports", "recursive": true, "include": ["*.txt", "*.html", "*.htm"] },
              { "path": "$src/samples/panel" }],
  "extract": { "tables": ["targets", "outcomes", "commitments", "list_items", "sections", "keywords",
                          "target_outcomes", "escalation", "escalation_summary", "target_changes"] },
  "exporters": [{ "plugin": "sqlite", "output": "out/{job}.sqlite" }],
  "lock": "out/.{job}.lock",
  "state": "out/.{job}.state.json"
}
EOF
if ! "$build/baogao" run -q -c "$tmp/reports.json" 2>"$tmp/run.err"; then
  cat "$tmp/run.err"
  echo "sqlite readme: 0 passed, 1 failed"
  exit 1
fi
db=$tmp/out/reports.sqlite

# The sqlite section of the README, up to the next exporter's or section's heading.
awk '/^\*\*sqlite\*\*/ {on = 1} on && /^## / {exit} on' "$src/README.md" >"$tmp/section.md"
doc=$(sed -n 's/^doc = "\([0-9a-f]*\)"$/\1/p' "$tmp/section.md")
[ -n "$doc" ] || fail "no doc = \"...\" line in the README's sqlite section"
sed -n 's/.*pd\.read_sql("\([^"]*\)".*/\1/p; s/.*dbGetQuery(con, "\([^"]*\)".*/\1/p' "$tmp/section.md" >"$tmp/queries.sql"
count=$(wc -l <"$tmp/queries.sql")
[ "$count" -ge 10 ] || fail "expected the 6 Python and 4 R queries in the README, found $count"
while IFS= read -r query; do
  rows=$(sqlite3 -bail -cmd ".parameter set ?1 '$doc'" "$db" "$query" 2>"$tmp/query.err")
  if [ $? -ne 0 ]; then
    fail "$query: $(cat "$tmp/query.err")"
  elif [ -z "$rows" ]; then
    fail "$query: no rows"
  else
    pass
  fi
done <"$tmp/queries.sql"

# The blocks as a notebook runs them, from the folder out/ is in.
awk '/^```python$/ {on = 1; next} /^```$/ {on = 0} on' "$tmp/section.md" >"$tmp/notebook.py"
awk '/^```r$/ {on = 1; next} /^```$/ {on = 0} on' "$tmp/section.md" >"$tmp/notebook.R"
if python3 -c 'import pandas' 2>/dev/null; then
  printf '%s\n' 'assert all(len(d) > 0 for d in (gdp, above, commitments, kinds, met, esc)), "a query returned no rows"' \
    >>"$tmp/notebook.py"
  if (cd "$tmp" && python3 notebook.py >"$tmp/py.out" 2>&1); then pass; else fail "Python block: $(cat "$tmp/py.out")"; fi
else
  skipped=$((skipped + 1))
fi
if command -v Rscript >/dev/null && Rscript -e 'library(RSQLite)' >/dev/null 2>&1; then
  printf '%s\n' 'stopifnot(nrow(gdp) > 0, nrow(above) > 0, nrow(commitments) > 0, nrow(met) > 0)' >>"$tmp/notebook.R"
  if (cd "$tmp" && Rscript notebook.R >"$tmp/r.out" 2>&1); then pass; else fail "R block: $(cat "$tmp/r.out")"; fi
else
  skipped=$((skipped + 1))
fi

echo "sqlite readme: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
