#!/bin/bash
# Peak memory of `ocimake layer --depfile` against the number of files: a
# tree of N small files (bench/make_small_files.py, default 200,000), packed
# by NEW_OCIMAKE and OLD_OCIMAKE (a build from before the streamed walk);
# peak RSS from /usr/bin/time -v, and the two layers compared (same digest).
#   bench/layer_memory.sh NEW_OCIMAKE OLD_OCIMAKE [N]
set -euo pipefail
new=$(realpath "$1"); old=$(realpath "$2"); n=${3:-200000}
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d /var/tmp/ocimake-bench-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_small_files.py" "$work/tree" "$n"
echo "tree: $n files in $(find "$work/tree" -type d | wc -l) directories"
tar -C "$work/tree" -cf - . >/dev/null   # warm the page cache
declare -A rss secs
for who in new old; do
  bin=${!who}
  /usr/bin/time -v "$bin" layer --tree "$work/tree" --layout "$work/l-$who" \
    --output "$work/$who.json" --depfile "$work/$who.d" 2>"$work/$who.time"
  rss[$who]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$who.time")
  secs[$who]=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$who.time")
  printf '%-4s peak RSS %7.1f MiB  wall %s\n' "$who" "$(echo "${rss[$who]} / 1024" | bc -l)" "${secs[$who]}"
done
digest() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$1"; }
[ "$(digest "$work/new.json")" = "$(digest "$work/old.json")" ] || { echo "FAIL: the layers differ"; exit 1; }
cmp -s <(sed "s|$work/new.json|OUT|" "$work/new.d") <(sed "s|$work/old.json|OUT|" "$work/old.d") ||
  { echo "FAIL: the depfiles differ"; exit 1; }
echo "same layer digest and depfile; peak RSS new/old: $(echo "scale=2; ${rss[new]} / ${rss[old]}" | bc)"
