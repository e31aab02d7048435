#!/usr/bin/env bash
# Outputs a user keeps: the `source` column names a file the same way however
# -c was typed (relative, absolute, through a symlinked folder, from another
# working directory), and a folder output drops the files the previous run
# of the same exporter wrote and this one did not (its manifest), never a
# file it did not write, and puts them back when the run fails.
set -u
build=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/baogao-outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

mkdir -p "$work/job/corpus"
cp "$src"/samples/reports/*.txt "$work/job/corpus/"
ln -s "$work/job" "$work/link"
cat >"$work/job/j.json" <<'JSON'
{"sources": ["corpus"], "exporters": [{"plugin": "csv", "output": "out/csv", "options": {"profile": "rfc4180"}}],
 "guard": {"max_drop": 1}}
JSON
names() { cut -d, -f2 "$work/job/out/csv/documents.csv" | tail -n +2 | sort | tr '\n' ' '; }

# 1. One name per file, however -c is typed.
(cd "$work" && "$build/baogao" run -q -c job/j.json) || fail "run -c job/j.json"
want=$(names)
case "$want" in corpus/0*) ;; *) fail "source names are not relative to the config: $want" ;; esac
for how in "cd $work/job && $build/baogao run -q -c j.json" \
           "cd $work/job/corpus && $build/baogao run -q -c ../j.json" \
           "cd / && $build/baogao run -q -c $work/job/../job/j.json" \
           "cd $work && $build/baogao run -q -c link/j.json" \
           "cd / && $build/baogao run -q -c $work/link/j.json"; do
  sh -c "$how" || fail "$how"
  [ "$(names)" = "$want" ] || fail "$how: sources $(names), want $want"
done
# a source given through the symlinked folder, absolute: still relative
sed "s|\"corpus\"|\"$work/link/corpus\"|" "$work/job/j.json" >"$work/job/abs.json"
sed -i 's|out/csv|out/csv|' "$work/job/abs.json"
(cd / && "$build/baogao" run -q -c "$work/job/abs.json") || fail "run abs.json"
[ "$(names)" = "$want" ] || fail "symlinked absolute source: $(names), want $want"

# 2. The manifest lists what was written.
out=$work/job/out/csv
[ -f "$out/.baogao-manifest" ] || fail "no manifest in $out"
grep -qx "targets.csv" "$out/.baogao-manifest" || fail "manifest lacks targets.csv"
echo "mine" >"$out/notes.txt"                     # the user's own file
echo "old" >"$out/.baogao-manifest.bak"
# 3. A run with another table option drops the other CSVs, keeps notes.txt.
cat >"$work/job/j.json" <<'JSON'
{"sources": ["corpus"], "exporters": [{"plugin": "csv", "output": "out/csv",
 "options": {"profile": "rfc4180", "table": "targets"}}], "guard": {"max_drop": 1}}
JSON
(cd "$work/job" && "$build/baogao" run -q -c j.json) || fail "run with table targets"
[ -f "$out/targets.csv" ] || fail "targets.csv missing"
for t in documents commitments list_items sections keywords; do
  [ -e "$out/$t.csv" ] && fail "$t.csv from the earlier run is still there"
done
[ "$(cat "$out/notes.txt")" = "mine" ] || fail "the user's notes.txt was touched"
[ -f "$out/.baogao-manifest.bak" ] || fail "a file the exporter did not write was removed"
# 4. A file the manifest names but that the user replaced by a folder is left alone.
echo "documents.csv" >>"$out/.baogao-manifest"
mkdir "$out/documents.csv"
(cd "$work/job" && "$build/baogao" run -q -c j.json) || fail "run with a folder named like a manifest entry"
[ -d "$out/documents.csv" ] || fail "a folder was removed"
rmdir "$out/documents.csv"
# 5. A failed run (the guard refuses: no document) removes nothing.
cat >"$work/job/j.json" <<'JSON'
{"sources": ["corpus"], "exporters": [{"plugin": "csv", "output": "out/csv",
 "options": {"profile": "rfc4180"}}], "guard": {"max_drop": 1}}
JSON
(cd "$work/job" && "$build/baogao" run -q -c j.json) || fail "run all tables again"
mv "$work/job/corpus" "$work/job/corpus.away"; mkdir "$work/job/corpus"
(cd "$work/job" && "$build/baogao" run -q -c j.json >/dev/null 2>&1); rc=$?
[ "$rc" = 4 ] || fail "run over an empty corpus: exit $rc, want 4"
for t in documents targets commitments list_items sections keywords; do
  [ -f "$out/$t.csv" ] || fail "$t.csv lost by a refused run"
done
echo "outputs: $failed failed"
[ "$failed" -eq 0 ]
