#!/usr/bin/env bash
# Incremental runs (issue 10): the cache beside the lock
# (.baogao/{job}.cache.sqlite) lets a run take an unchanged source's rows
# from the cache instead of extracting it again, and the outputs stay those
# of a full run. Checked through what a user sees: the --log-json summary's
# "cached" and "extracted" counts, the outputs of all four exporters
# (outputs.py compares them apart from the run facts), and the cache file.
#   a  a cold run fills the cache           g  --dry-run leaves the cache alone
#   b  a warm run takes every row from it   h  a CSV corpus is cached whole
#   c  add, change, delete, rename sources: i  a run the guard refuses leaves the
#      the same outputs as --full-refresh      cache as it was
#   d  the extract section, rules, divisions j  failed sources: never cached, and a
#      and limits invalidate it                run with only those writes the cache
#   e  a corrupt or foreign cache: one      k  a source's decode options are part
#      warning, full outputs, then warm        of its key
#   f  "cache": false writes none; "cache": PATH writes there
set -u
build=$1
src=$2
py=/usr/bin/python3
outputs="$py $src/tests/e2e/outputs.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/baogao-incremental.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# --- the job: 10 text reports and a CSV corpus of 4, one per row -----------
job=$work/job
make_job() {   # FOLDER: a job folder with the corpus and the config j.json
  mkdir -p "$1/corpus" "$1/csvcorpus"
  cp "$src"/samples/reports/*.txt "$1/corpus/"
  for f in "$src"/samples/reports/*.txt; do
    $outputs variant "$f" "$1/corpus/v1_$(basename "$f")" 1
  done
  $outputs csv-corpus "$src/samples/reports" "$1/csvcorpus/rows.csv" 4
  config "$1/j.json" '{}'
}
# config FILE OVERRIDES: the base config with OVERRIDES' top-level keys replaced
config() {
  $py - "$1" "$2" <<'PY'
import json, sys
base = {"job": "j",
        "sources": ["corpus",
                    {"path": "csvcorpus", "format": "csv", "text_column": "正文",
                     "columns": {"title": "标题", "region": "地区", "year": "年份", "url": "链接"}}],
        "exporters": [{"plugin": "csv", "output": "out/csv"},
                      {"plugin": "xlsx", "output": "out/r.xlsx"},
                      {"plugin": "json", "output": "out/r.json"},
                      {"plugin": "sqlite", "output": "out/r.sqlite", "options": {"prune": True}}]}
base.update(json.loads(sys.argv[2]))
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(base, f, ensure_ascii=False, indent=1)
PY
}
make_job "$job"
cache=$job/.baogao/j.cache.sqlite
D=14                          # documents: 10 reports, 4 CSV rows
d000=corpus/000_1e858b7b18e6f90d.txt
d001=corpus/001_8b242355d6154d07.txt
d003=corpus/003_198e591ce9b795be.txt
gone=corpus/v1_003_198e591ce9b795be.txt

# run NAME [-c CONFIG] [ARGS...]: baogao run --log-json in the job folder
# (another with JOB=...); log in $work/NAME.log, exit code in $rc, outputs
# copied to $work/NAME
rc=0
run() {
  local name=$1 folder=${JOB:-$job} cfg=j.json
  shift
  if [ "${1:-}" = -c ]; then cfg=$2; shift 2; fi
  (cd "$folder" && "$build/baogao" run -c "$cfg" --log-json -j2 "$@" 2>"$work/$name.log")
  rc=$?
  rm -rf "${work:?}/$name"
  [ -d "$folder/out" ] && cp -a "$folder/out" "$work/$name"
  return 0
}
ok() {         # NAME: the run exited 0
  [ "$rc" = 0 ] || { fail "$1: exit $rc, want 0"; grep -v '"level":"info"' "$work/$1.log" | head -5; }
}
field() { $outputs summary "$work/$1.log" "$2"; }
counts() {     # NAME CACHED EXTRACTED WHY: the summary's "cached" and "extracted"
  local got
  got=$($outputs summary "$work/$1.log" cached extracted | tr '\n' ' ')
  [ "$got" = "$2 $3 " ] || fail "$1: $4: \"cached\", \"extracted\" are ${got:-no summary}, want $2 $3"
}
same() {       # WHAT A B: the outputs of runs A and B are equal apart from run facts
  if [ ! -d "$work/$2" ] || [ ! -d "$work/$3" ]; then
    fail "$1: no outputs to compare ($2, $3)"
  elif ! $outputs compare "$work/$2" "$work/$3" >"$work/diff"; then
    fail "$1: outputs of $2 and $3 differ:"
    cat "$work/diff"
  fi
}
has_source() {   # RUN SOURCE yes|no
  local n
  n=$($outputs sources "$work/$1" | grep -cxF "$2")
  if [ "$3" = yes ]; then [ "$n" = 1 ] || fail "$1: no document from $2 in the outputs"
  else [ "$n" = 0 ] || fail "$1: the outputs still hold a document from $2"; fi
}
values() { $outputs values "$work/$1" "$2" "$3" "$4" | tr '\n' ' ' | sed 's/ $//'; }   # sorted, spaced
digest() { [ -f "$1" ] && sha256sum <"$1" || echo "no file"; }
stamp() { [ -f "$1" ] && stat -c %y "$1" || echo "no file"; }
cache_warnings() { $outputs warnings "$work/$1.log" j.cache.sqlite; }

# --- a. a cold run fills the cache ------------------------------------------
run a; ok a
[ "$(field a documents)" = "$D" ] || fail "a: $(field a documents) documents, want $D"
counts a 0 "$D" "a cold run extracts every document"
if [ ! -f "$cache" ]; then
  fail "a: a cold run left no cache at .baogao/j.cache.sqlite (the incremental cache is missing)"
elif [ "$(head -c 15 "$cache")" != "SQLite format 3" ]; then
  fail "a: .baogao/j.cache.sqlite is not an SQLite file"
fi
$py - "$work/a.log" "$src/tests/e2e/outputs.py" <<'PY' || fail "a: the summary's \"exporters\" (each exporter's own seconds) are wrong"
import json, subprocess, sys
out = subprocess.run([sys.executable, sys.argv[2], "summary", sys.argv[1], "exporters"],
                     capture_output=True, text=True).stdout
try:
    ev = json.loads(out)
except ValueError:
    ev = out.strip() or "no summary"
want = [("exporters[%d]" % i, p) for i, p in enumerate(["csv", "xlsx", "json", "sqlite"])]
got = [(e.get("exporter"), e.get("plugin")) for e in ev] if isinstance(ev, list) else ev
ok = got == want and all(isinstance(e.get("seconds"), (int, float)) and e["seconds"] >= 0 for e in ev)
if not ok:
    print("  exporters: %s, want %s with seconds >= 0" % (json.dumps(ev), want))
sys.exit(0 if ok else 1)
PY
grep -q 'from the cache' "$work/a.log" && fail "a: a cold run's summary mentions the cache"

# --- b. a warm run: every row from the cache, the same outputs ---------------
run b; ok b
counts b "$D" 0 "an unchanged corpus comes from the cache"
same "b: a warm run" a b
(cd "$job" && "$build/baogao" run -c j.json -j2 2>"$work/b-plain.log") || fail "b: a plain warm run failed"
grep 'summary' "$work/b-plain.log" | grep -q ", $D from the cache" ||
  fail "b: the plain summary line lacks \", $D from the cache\": $(grep summary "$work/b-plain.log")"

# --- h. a CSV corpus (4 reports in one file) is cached and restored whole ---
[ "$($outputs sources "$work/b" | grep -c '^csvcorpus/rows.csv#')" = 4 ] ||
  fail "h: the warm run's outputs hold $($outputs sources "$work/b" | grep -c '^csvcorpus/rows.csv#') of the CSV corpus's 4 reports"
for s in $($outputs sources "$work/a" | grep '^csvcorpus/'); do
  [ "$(values a "$s" targets value)" = "$(values b "$s" targets value)" ] ||
    fail "h: $s: targets $(values b "$s" targets value) from the cache, $(values a "$s" targets value) extracted"
done

# --- c. add, change, delete a source: the same outputs as a full refresh ----
[ "$(values b "$d000" targets value)" = "8 8 8 8 8.5 null null" ] || fail "c: $d000's targets are $(values b "$d000" targets value)"
sed -i 's/GDP增长8%以上/GDP增长6.6%以上/' "$job/$d000"
grep -q 'GDP增长6.6%以上' "$job/$d000" || fail "c: the edit of $d000 did not apply"
$outputs variant "$src/samples/reports/${d001#corpus/}" "$job/corpus/new.txt" 7
gone_id=$(values b "$gone" documents doc_id | tr -d ' ')
mv "$job/$gone" "$work/gone.txt"
run c; ok c
counts c $((D - 2)) 2 "one source added and one changed are extracted, the rest cached"
case " $(values c "$d000" targets value) " in *" 6.6 "*) ;; *)
  fail "c: $d000's GDP target is not the changed 6.6: $(values c "$d000" targets value)" ;; esac
has_source c corpus/new.txt yes
has_source c "$gone" no
[ -n "$gone_id" ] && [ -n "$($outputs contains "$work/c" "$gone_id")" ] &&
  fail "c: rows of the deleted $gone (doc $gone_id) are still in: $($outputs contains "$work/c" "$gone_id" | tr '\n' ' ')"
run c-full --full-refresh; ok c-full
counts c-full 0 "$D" "--full-refresh extracts every document"
same "c: incremental against --full-refresh" c c-full
run c-warm; ok c-warm
counts c-warm "$D" 0 "--full-refresh rewrote the cache"
same "c: warm after --full-refresh" c c-warm
# a source no longer listed was dropped from the cache: back, it is extracted again
mv "$work/gone.txt" "$job/$gone"
run c-back; ok c-back
counts c-back "$D" 1 "a source deleted and put back is extracted (dropped from the cache)"
has_source c-back "$gone" yes
# the source's name is part of its key: a renamed file is extracted, under its new name
mv "$job/corpus/new.txt" "$job/corpus/new-renamed.txt"
run c-rename; ok c-rename
counts c-rename "$D" 1 "a renamed source is extracted"
has_source c-rename corpus/new-renamed.txt yes
has_source c-rename corpus/new.txt no
D=$((D + 1))                  # new.txt stays: 15 documents from here on
run base; ok base
counts base "$D" 0 "an unchanged corpus comes from the cache"

# --- d. the extract section, the rules, the divisions, the limits invalidate
config "$job/tables.json" '{"extract": {"tables": ["targets"]}}'
run d-tables -c tables.json; ok d-tables
counts d-tables 0 "$D" "another extract section invalidates the cache"
run d-tables-warm -c tables.json; ok d-tables-warm
counts d-tables-warm "$D" 0 "the same extract section again"
[ -e "$work/d-tables-warm/csv/keywords.csv" ] && fail "d: keywords.csv written with extract.tables [targets]"

cp "$src/config/rules/gov_work_report.json" "$job/rules.json"
config "$job/rules-cfg.json" '{"extract": {"rules": "rules.json"}}'
run d-rules -c rules-cfg.json; ok d-rules
run d-rules-warm -c rules-cfg.json; ok d-rules-warm
counts d-rules-warm "$D" 0 "the same rules file again"
$py - "$job/rules.json" <<'PY'
import json, sys
rules = json.load(open(sys.argv[1], encoding="utf-8"))
for k in rules["keywords"]:
    if k["term"] == "高质量发展":
        k["category"] = "发展理念甲"
json.dump(rules, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
run d-rules-changed -c rules-cfg.json; ok d-rules-changed
counts d-rules-changed 0 "$D" "an edited rules file (same path) invalidates the cache"
case "$(values d-rules-changed "$d001" keywords category)" in *发展理念甲*) ;; *)
  fail "d: the edited rules' keyword category is not in $d001's keywords" ;; esac

cp "$src/config/rules/divisions.csv" "$job/divisions.csv"
config "$job/div-cfg.json" '{"extract": {"divisions": "divisions.csv"}}'
run d-div -c div-cfg.json; ok d-div
run d-div-warm -c div-cfg.json; ok d-div-warm
counts d-div-warm "$D" 0 "the same divisions file again"
[ "$(values d-div-warm "$d001" documents region_code)" = 340803 ] ||
  fail "d: $d001's region code is $(values d-div-warm "$d001" documents region_code), want 340803"
sed -i 's/^340803,大观区,/340899,大观区,/' "$job/divisions.csv"
grep -q '^340899,大观区,' "$job/divisions.csv" || fail "d: the edit of divisions.csv did not apply"
run d-div-changed -c div-cfg.json; ok d-div-changed
counts d-div-changed 0 "$D" "an edited divisions file (same path) invalidates the cache"
[ "$(values d-div-changed "$d001" documents region_code)" = 340899 ] ||
  fail "d: $d001's region code is $(values d-div-changed "$d001" documents region_code) after the divisions edit, want 340899"

run d-base; ok d-base
config "$job/limits.json" '{"limits": {"rows_per_document": 999999}}'
run d-limits -c limits.json; ok d-limits
counts d-limits 0 "$D" "other limits invalidate the cache"

# --- k. a source's decode options are part of its key ------------------------
run k-base; run k-base-warm; ok k-base-warm
counts k-base-warm "$D" 0 "the base config again"
[ "$(values k-base-warm "$d000" documents encoding_reason)" = "valid utf-8" ] ||
  fail "k: $d000's encoding_reason is $(values k-base-warm "$d000" documents encoding_reason)"
config "$job/enc.json" '{"sources": [{"path": "corpus", "encoding": "utf-8"},
  {"path": "csvcorpus", "format": "csv", "text_column": "正文",
   "columns": {"title": "标题", "region": "地区", "year": "年份", "url": "链接"}}]}'
run k-enc -c enc.json; ok k-enc
counts k-enc 4 $((D - 4)) "encoding set on the text sources: those extracted, the CSV corpus cached"
[ "$(values k-enc "$d000" documents encoding_reason)" = config ] ||
  fail "k: with encoding utf-8 in the config $d000's encoding_reason is $(values k-enc "$d000" documents encoding_reason), want config"

# --- e. a corrupt or foreign cache: one warning, full outputs, then warm ----
run e-base; run e-base-warm; ok e-base-warm
counts e-base-warm "$D" 0 "the base config again"
check_rebuilt() {   # WHAT RUN: the run after a bad cache
  ok "$2"
  [ "$(cache_warnings "$2")" = 1 ] ||
    fail "e: $1: $(cache_warnings "$2") warnings naming j.cache.sqlite, want 1"
  counts "$2" 0 "$D" "$1 is not trusted"
  same "e: $1" e-base-warm "$2"
  run "$2-next"; ok "$2-next"
  counts "$2-next" "$D" 0 "the run after $1 is warm again"
  [ "$(cache_warnings "$2-next")" = 0 ] || fail "e: the run after $1 still warns about the cache"
}
if [ -f "$cache" ]; then
  half=$(($(stat -c %s "$cache") / 2))
  cp "$cache" "$work/cache.good"
else
  half=0
  fail "e: no cache file to damage"
fi
for i in $(seq 200); do printf 'not a cache, garbage %d\n' "$i"; done >"$cache"
run e-garbage; check_rebuilt "a cache file of garbage" e-garbage
rm -f "$cache"
$py -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE notes (x)'); c.execute(\"INSERT INTO notes VALUES ('mine')\"); c.commit()" "$cache"
run e-foreign; check_rebuilt "a foreign SQLite file at the cache path" e-foreign
if [ "$half" -gt 0 ]; then
  head -c "$half" "$work/cache.good" >"$cache"   # a cache cut short (a full disk, a crash)
  run e-short; ok e-short
  same "e: a cache cut in half" e-base-warm e-short
  run e-short-next; ok e-short-next
  counts e-short-next "$D" 0 "the run after a cache cut in half is warm again"
  same "e: the run after a cache cut in half" e-base-warm e-short-next
fi

# --- g. --dry-run neither reads nor writes the cache -------------------------
[ -f "$cache" ] || fail "g: no cache file for --dry-run to leave alone"
before=$(digest "$cache") before_time=$(stamp "$cache")
run g --dry-run; ok g
counts g 0 "$D" "--dry-run extracts every document, never from the cache"
[ "$(digest "$cache")" = "$before" ] || fail "g: --dry-run changed the cache file"
[ "$(stamp "$cache")" = "$before_time" ] || fail "g: --dry-run wrote the cache file (its time changed)"
for f in "$cache-wal" "$cache-journal" "$cache-shm"; do [ -e "$f" ] && fail "g: --dry-run left $f"; done
fresh=$work/dry
make_job "$fresh"
JOB=$fresh run g-fresh --dry-run; ok g-fresh
[ -e "$fresh/.baogao/j.cache.sqlite" ] && fail "g: --dry-run created a cache file"

# --- i. a run refused by the guard leaves the cache as it was ---------------
run i-base; ok i-base
[ -f "$cache" ] || fail "i: no cache file for the refused run to leave alone"
before=$(digest "$cache")
mkdir "$work/away"
mv "$job"/corpus/0*.txt "$job"/corpus/v1_00[0-3]*.txt "$work/away/"   # 6 of 15 documents left
run i-refused; [ "$rc" = 4 ] || fail "i: a run over 6 of $D documents exited $rc, want 4 (the guard)"
[ "$(digest "$cache")" = "$before" ] || fail "i: a run refused by the guard changed the cache file"
mv "$work/away"/* "$job/corpus/"
run i-back; ok i-back
counts i-back "$D" 0 "the cache after a refused run"
same "i: after a refused run" i-base i-back

# --- j. failed sources are never cached; a run with only those writes the cache
sed -i 's/地区生产总值增长7.5%以上/地区生产总值增长7.7%以上/' "$job/$d003"
grep -q '地区生产总值增长7.7%以上' "$job/$d003" || fail "j: the edit of $d003 did not apply"
: >"$job/corpus/zz_empty.txt"    # an empty file is a failed source
run j-failed; [ "$rc" = 1 ] || fail "j: a run with an empty source exited $rc, want 1"
counts j-failed $((D - 1)) 1 "the changed source extracted, the empty one failed"
run j-again; [ "$rc" = 1 ] || fail "j: the next run exited $rc, want 1"
counts j-again "$D" 0 "a run whose only problem is a failed source wrote the cache"
[ "$(field j-again sources_failed)" = 1 ] || fail "j: the empty source is not failed again: $(field j-again sources_failed)"
rm "$job/corpus/zz_empty.txt"

# --- h. one row of the CSV corpus changed: the file extracted again ---------
sed -i 's/GDP增长18%以上/GDP增长17.7%以上/' "$job/csvcorpus/rows.csv"
grep -q 'GDP增长17.7%以上' "$job/csvcorpus/rows.csv" || fail "h: the edit of rows.csv did not apply"
run h-row; ok h-row
$py - "$work/h-row.log" "$src/tests/e2e/outputs.py" "$D" <<'PY' || fail "h: a changed CSV corpus is not extracted again"
import subprocess, sys
got = subprocess.run([sys.executable, sys.argv[2], "summary", sys.argv[1], "cached", "extracted"],
                     capture_output=True, text=True).stdout.split()
d = int(sys.argv[3])
ok = len(got) == 2 and all(g.isdigit() for g in got) and 1 <= int(got[1]) <= 4 and int(got[0]) + int(got[1]) == d
if not ok:
    print("  cached, extracted: %s; want 1 to 4 extracted (the CSV corpus), the rest of %d cached" % (got, d))
sys.exit(0 if ok else 1)
PY
n=0
for s in $($outputs sources "$work/h-row" | grep '^csvcorpus/'); do
  case " $(values h-row "$s" targets value) " in *" 17.7 "*) n=$((n + 1)) ;; esac
done
[ "$n" = 1 ] || fail "h: $n CSV reports hold the changed GDP target 17.7, want 1"
run h-full --full-refresh; ok h-full
same "h: a changed CSV corpus, incremental against --full-refresh" h-row h-full

# --- f. "cache": false writes no cache; "cache": PATH writes there ----------
off=$work/off
make_job "$off"
config "$off/j.json" '{"cache": false}'
JOB=$off run f-off; ok f-off
JOB=$off run f-off-again; ok f-off-again
counts f-off-again 0 14 "\"cache\": false: nothing from a cache"
left=$(cd "$off" && find . -path ./corpus -prune -o -path ./csvcorpus -prune -o -path ./out -prune -o -type f -print | sort | tr '\n' ' ')
[ "$left" = "./.baogao/j.lock ./.baogao/j.state.json ./j.json " ] ||
  fail "f: with \"cache\": false the job folder holds: $left"
elsewhere=$work/elsewhere
make_job "$elsewhere"
mkdir "$elsewhere/caches"
config "$elsewhere/j.json" '{"cache": "caches/{job}-c.sqlite"}'
JOB=$elsewhere run f-path; ok f-path
[ -f "$elsewhere/caches/j-c.sqlite" ] || fail "f: no cache at \"cache\": \"caches/{job}-c.sqlite\""
[ -e "$elsewhere/.baogao/j.cache.sqlite" ] && fail "f: a cache at the default path although \"cache\" names another"
JOB=$elsewhere run f-path-warm; ok f-path-warm
counts f-path-warm 14 0 "the cache at caches/j-c.sqlite"

echo "incremental: $failed failed"
[ "$failed" -eq 0 ]
