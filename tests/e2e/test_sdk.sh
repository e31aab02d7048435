#!/usr/bin/env bash
# The plugin SDK as a third party uses it: install baogao into a scratch
# prefix, build samples/plugins/markdown out of tree with pkg-config, and run
# a job through it.
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/share/pkgconfig"
pkg-config --exists baogao-exporter || { echo "FAIL: baogao-exporter.pc not installed"; exit 1; }
[ -f "$tmp/prefix/include/baogao/exporter.h" ] || { echo "FAIL: header not installed"; exit 1; }
for f in bin/baogao lib/baogao/plugins/csv.so lib/baogao/plugins/xlsx.so share/baogao/rules/gov_work_report.json \
         share/baogao/rules/divisions.csv; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed under the prefix"; exit 1; }
done
baogao="$tmp/prefix/bin/baogao" # the installed program finds its plugins and rules in its prefix

cp -r "$src/samples/plugins/markdown" "$tmp/markdown"
make -s -C "$tmp/markdown" CFLAGS="-O1 -Wall -Wextra -Werror" >/dev/null
[ -f "$tmp/markdown/markdown.so" ] || { echo "FAIL: markdown.so not built"; exit 1; }

# The plugin is listed with its options.
BAOGAO_PLUGIN_PATH="$tmp/markdown" "$baogao" plugins > "$tmp/plugins.txt"
grep -q "^markdown 1.0.0" "$tmp/plugins.txt" || { echo "FAIL: markdown not listed"; cat "$tmp/plugins.txt"; exit 1; }
grep -q "max_rows" "$tmp/plugins.txt" || { echo "FAIL: options not listed"; exit 1; }
grep -q "$tmp/prefix/lib/baogao/plugins/xlsx.so" "$tmp/plugins.txt" || { echo "FAIL: built-ins not from the prefix"; cat "$tmp/plugins.txt"; exit 1; }

cat > "$tmp/job.json" <<JSON
{ "job": "md",
  "sources": [ { "path": "$src/samples/reports" } ],
  "plugin_dir": "$tmp/markdown",
  "exporters": [ { "plugin": "markdown", "output": "out/{job}.md", "options": { "max_rows": 5 } },
                 { "plugin": "json", "output": "out/{job}.json" } ] }
JSON
"$baogao" run -q -c "$tmp/job.json" --only markdown
[ -f "$tmp/out/md.md" ] || { echo "FAIL: no markdown output"; exit 1; }
[ ! -e "$tmp/out/md.json" ] || { echo "FAIL: --only markdown also ran json"; exit 1; }
grep -q "^## targets (" "$tmp/out/md.md" || { echo "FAIL: no targets table"; exit 1; }
grep -q "^| doc_id | seq |" "$tmp/out/md.md" || { echo "FAIL: no header row"; exit 1; }
# An option of the wrong type is refused before anything runs.
sed -i 's/"max_rows": 5/"max_rows": "five"/' "$tmp/job.json"
if "$baogao" check -c "$tmp/job.json" 2> "$tmp/err.txt"; then echo "FAIL: bad option accepted"; exit 1; fi
grep -q 'exporters\[0\].options.max_rows: expected an integer, got "five"' "$tmp/err.txt" \
  || { echo "FAIL: message"; cat "$tmp/err.txt"; exit 1; }
echo "sdk: 1 passed, 0 failed"
