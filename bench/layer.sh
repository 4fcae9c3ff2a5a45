#!/bin/bash
# Packing speed and memory of `ocimake layer`, side by side with tar | gzip
# and tar | zstd at the same levels, in one run.
#   bench/layer.sh OCIMAKE [MB]     (default 300 MB; also runs a tree 3x as large
#                                    for the peak-memory figure)
# Prints MB/s for each, the ratios, and ocimake's peak RSS for both trees.
set -euo pipefail
ocimake=$(realpath "$1"); mb=${2:-300}
work=$(mktemp -d /var/tmp/ocimake-bench-layer.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A mixed tree, as an install tree is: many small text files (headers),
# ELF binaries and libraries, and incompressible data, repeated with
# suffixes until it reaches the size.
make_tree() {  # make_tree DIR MB
  local dir=$1 target=$(( $2 * 1000000 )) i=0
  mkdir -p "$dir"
  head -c 8000000 /dev/urandom >"$work/random.bin"
  while [ "$(du -sb "$dir" | cut -f1)" -lt "$target" ]; do
    mkdir -p "$dir/r$i/lib" "$dir/r$i/data"
    cp -r /usr/include "$dir/r$i/include"
    find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name 'lib*.so*' -size -3M | head -40 |
      xargs -I{} cp {} "$dir/r$i/lib/" || true
    cp "$work/random.bin" "$dir/r$i/data/blob.bin"
    i=$((i + 1))
  done
  du -sb "$dir" | cut -f1
}

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1/1e6/($3-$2):.1f}')"; }

bytes=$(make_tree "$work/tree" "$mb")
sync
echo "tree: $((bytes / 1000000)) MB in $(find "$work/tree" -type f | wc -l) files"
tar -C "$work/tree" -cf - . >/dev/null   # warm the page cache for every contender

declare -A speed
run() {  # run NAME COMMAND...
  local s e; s=$(now); "${@:2}" >/dev/null; e=$(now)
  speed[$1]=$(rate "$bytes" "$s" "$e"); printf '%-22s %8s MB/s\n' "$1" "${speed[$1]}"
}
# ocimake fsyncs each blob before renaming it into place (a crash leaves the
# old blob or the new one); the tar pipelines are timed both without and with
# a sync of their output, for the same durability.
run "tar|gzip -n -6" sh -c "tar -C '$work/tree' -cf - . | gzip -n -6 > '$work/out.tgz'"
run "tar|gzip -n -6 +sync" sh -c "tar -C '$work/tree' -cf - . | gzip -n -6 > '$work/out.tgz' && sync '$work/out.tgz'"
run "ocimake layer gzip-6" "$ocimake" layer --tree "$work/tree" --layout "$work/l1" --output "$work/d1.json"
run "tar|zstd -3" sh -c "tar -C '$work/tree' -cf - . | zstd -q -3 > '$work/out.tzst'"
run "tar|zstd -3 +sync" sh -c "tar -C '$work/tree' -cf - . | zstd -q -3 > '$work/out.tzst' && sync '$work/out.tzst'"
run "ocimake layer zstd-3" "$ocimake" layer --tree "$work/tree" --layout "$work/l2" --output "$work/d2.json" --compression zstd
run "tar (no compression)" sh -c "tar -C '$work/tree' -cf - . > '$work/out.tar'"
run "tar +sync" sh -c "tar -C '$work/tree' -cf - . > '$work/out.tar' && sync '$work/out.tar'"
run "ocimake layer none" "$ocimake" layer --tree "$work/tree" --layout "$work/l3" --output "$work/d3.json" --compression none
python3 - "${speed[ocimake layer gzip-6]}" "${speed[tar|gzip -n -6]}" "${speed[tar|gzip -n -6 +sync]}" \
  "${speed[ocimake layer zstd-3]}" "${speed[tar|zstd -3]}" "${speed[tar|zstd -3 +sync]}" \
  "${speed[ocimake layer none]}" "${speed[tar (no compression)]}" "${speed[tar +sync]}" <<'PY'
import sys
v = list(map(float, sys.argv[1:]))
for name, (o, t, ts) in zip(["gzip-6", "zstd-3", "none"], [v[0:3], v[3:6], v[6:9]]):
    print(f"ratio {name}: ocimake / tar pipeline = {o/t:.2f}   (vs. the pipeline + sync: {o/ts:.2f})")
PY

peak() { /usr/bin/time -v "$ocimake" layer --tree "$1" --layout "$work/lp" --output "$work/dp.json" 2>&1 >/dev/null |
  sed -n 's/.*Maximum resident set size (kbytes): //p'; }
echo "peak RSS, ${mb} MB tree: $(( $(peak "$work/tree") / 1024 )) MiB"
rm -rf "$work/lp" "$work/l1" "$work/l2" "$work/l3" "$work"/out.*
make_tree "$work/tree3" $((mb * 3)) >/dev/null
echo "peak RSS, $((mb * 3)) MB tree: $(( $(peak "$work/tree3") / 1024 )) MiB"
