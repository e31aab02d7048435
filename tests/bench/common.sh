# common.sh — what both benchmarks (bench.sh, bench_export.sh) need, sourced by
# them after they set: gen (make_corpus.py), cache (the corpora's folder), seed,
# tmp (their temporary folder), baogao (the binary), and say() (progress).

apt_install() { # package: install from Debian, updating the lists once if needed
  apt-get install -y -qq "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null; }
}
[ -x /usr/bin/time ] || apt_install time
/usr/bin/python3 -c 'import xlsxwriter' 2>/dev/null || apt_install python3-xlsxwriter

# the binary measured: another build may replace it during a long run (checked at the end)
stamp_of() { echo "sha1 $(sha1sum "$baogao" | cut -c1-12), built $(date -u -r "$baogao" '+%Y-%m-%d %H:%M:%S UTC')"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }

# The machine, for the report's first line.
machine_facts() {
  echo "$(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//'), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Debian $(cat /etc/debian_version 2>/dev/null || echo unknown), $(uname -sr)"
}

# corpus KEY ARGS...: the folder of a generated corpus in the cache, made (or
# remade, when the generator or its inputs changed) with make_corpus.py ARGS
# --seed SEED; sets corpus_dir, corpus_files, corpus_bytes.
inputs=$(cat "$gen" config/rules/divisions.csv samples/reports/*.txt tests/gold/{realistic,blind,blind2}.json | sha1sum | cut -c1-40)
corpus() {
  local key=$1; shift
  local dir=$cache/$key-seed$seed stamp
  stamp="$inputs $* --seed $seed"
  if [ -d "$dir" ] && [ "$(head -1 "$dir.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "reusing $dir ($(tail -1 "$dir.stamp"))"
  else
    say "generating $dir"
    rm -rf "$dir" "$dir.tmp" "$dir.stamp"
    mkdir -p "$cache"
    python3 "$gen" "$@" --seed "$seed" --out "$dir.tmp" > "$tmp/gen.out"
    mv "$dir.tmp" "$dir"
    { echo "$stamp"; cat "$tmp/gen.out"; } > "$dir.stamp"
    say "$(cat "$tmp/gen.out")"
  fi
  find "$dir" -type f -exec cat {} + > /dev/null # into the page cache: every run reads it warm
  corpus_dir=$dir
  corpus_files=$(find "$dir" -type f | wc -l)
  corpus_bytes=$(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
}
