#!/bin/bash
# Packing speed and memory of `ocimake layer`, side by side in one run with
# the parallel tar pipelines at the same levels and thread counts:
# `tar | pigz -p2 -6`, `tar | zstd -3 -T2` and plain `tar`, each followed by
# a sync of its output (ocimake fsyncs every blob); ocimake with --jobs 2.
#   bench/layer.sh OCIMAKE [MB]     (default 200 MB, rounded up to whole copies of
#                                    /usr/include + libraries + 8 MB of random
#                                    data; also packs a tree 3x as large for the
#                                    peak-memory figure, unless PEAK3=0)
# Times are medians of RUNS (default 5) hyperfine runs; prints each
# command's median and mean CPU time, the ratios (ocimake speed / peer speed:
# above 1.0 is faster than the peer), the blob sizes, and ocimake's peak RSS
# for both trees. On a shared machine the wall-time ratio follows the load
# of the moment; the CPU-time ratio does not.
set -euo pipefail
ocimake=$(realpath "$1"); mb=${2:-200}; runs=${RUNS:-5}; jobs=2
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

bytes=$(make_tree "$work/tree" "$mb")
sync
echo "tree: $((bytes / 1000000)) MB in $(find "$work/tree" -type f | wc -l) files"
tar -C "$work/tree" -cf - . >/dev/null   # warm the page cache for every contender

# Each command is timed by hyperfine, one run at a time, the commands
# interleaved round by round (RUNS rounds): on a shared machine the load
# drifts over minutes, and interleaving spreads that drift over every
# contender instead of favouring whichever ran in a quiet minute. The
# figure is each command's median over the rounds; CPU is its mean user +
# system time. The page cache is warm.
names=("tar|pigz -p2 -6 +sync" "ocimake layer gzip-6" "tar|zstd -3 -T2 +sync"
       "ocimake layer zstd-3" "tar +sync" "ocimake layer none")
tar_to() { echo "sh -c \"tar -C '$work/tree' -cf - . | $1 > '$work/$2' && sync '$work/$2'\""; }
layer() { echo "$ocimake layer --tree $work/tree --layout $work/l-$1 --output $work/d-$1.json --jobs $jobs --compression $1"; }
commands=("$(tar_to "pigz -p$jobs -6" out.tgz)" "$(layer gzip)" "$(tar_to "zstd -q -3 -T$jobs" out.tzst)"
          "$(layer zstd)" "$(tar_to cat out.tar)" "$(layer none)")
echo "$runs interleaved rounds (hyperfine), ocimake --jobs $jobs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < runs; r++)); do
  for i in "${!commands[@]}"; do
    hyperfine -N --runs 1 --style none --export-json "$work/h-$i-$r.json" "${commands[$i]}" >/dev/null 2>&1 ||
      hyperfine -N --runs 1 "${commands[$i]}"   # shows why it failed
  done
done
declare -A median cpu
for i in "${!names[@]}"; do
  read -r "median[${names[$i]}]" "cpu[${names[$i]}]" < <(python3 - "$work" "$i" "$runs" <<'PY'
import json, statistics, sys
work, i, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rs = [json.load(open(f"{work}/h-{i}-{r}.json"))["results"][0] for r in range(runs)]
print(statistics.median(r["times"][0] for r in rs), statistics.mean(r["user"] + r["system"] for r in rs))
PY
)
  n=${names[$i]}
  printf '%-24s %7.2f s  %7.1f MB/s   cpu %6.2f s\n' "$n" "${median[$n]}" \
    "$(python3 -c "print($bytes / 1e6 / ${median[$n]})")" "${cpu[$n]}"
done
for pair in "gzip-6:tar|pigz -p2 -6 +sync" "zstd-3:tar|zstd -3 -T2 +sync" "none:tar +sync"; do
  name=${pair%%:*}; peer=${pair#*:}
  python3 -c "print(f'ratio $name: ocimake speed / ($peer) speed = {${median[$peer]} / ${median[ocimake layer $name]}:.2f}'
      f'   (CPU seconds, peer / ocimake: {${cpu[$peer]} / ${cpu[ocimake layer $name]}:.2f})')"
done
du -b "$work"/l-gzip/blobs/sha256/* "$work/out.tgz" "$work"/l-zstd/blobs/sha256/* "$work/out.tzst" |
  awk '{ printf "size %-50s %d\n", substr($2, length($2) - 45), $1 }'

peak() { /usr/bin/time -v "$ocimake" layer --tree "$1" --layout "$work/lp" --output "$work/dp.json" 2>&1 >/dev/null |
  sed -n 's/.*Maximum resident set size (kbytes): //p'; }
echo "peak RSS, ${mb} MB tree: $(( $(peak "$work/tree") / 1024 )) MiB"
rm -rf "$work/lp" "$work"/l-* "$work"/out.*
[ "${PEAK3:-1}" = 0 ] && exit 0
make_tree "$work/tree3" $((mb * 3)) >/dev/null
echo "peak RSS, $((mb * 3)) MB tree: $(( $(peak "$work/tree3") / 1024 )) MiB"
