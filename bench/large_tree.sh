#!/bin/bash
# A project that installs a large tree (issue 14 item 0): FILES small files
# (default 100,000, 1000 a directory) plus one BIG_MB random file (default
# 300) beside a C program, built into an image by ocimake (host build
# stage), side by side in one run with buildah building the same tree with
# COPY (FROM scratch, the program prebuilt: only the packing is compared).
#   bench/large_tree.sh OCIMAKE_BUILD_DIR      (env: FILES, BIG_MB, RUNS=5)
# Prints cold (once each), no-op and one-file-edit (hyperfine medians of
# RUNS), ocimake's peak RSS (the largest process of the cold build), and the
# ratios ocimake / buildah.
set -euo pipefail
ocimake_dir=$(realpath "$1"); files=${FILES:-100000}; big=${BIG_MB:-300}; runs=${RUNS:-5}
for tool in hyperfine buildah; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done
work=$(mktemp -d /var/tmp/ocimake-bench-large.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir -p "$src"
cat >"$src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(large-tree LANGUAGES C)
find_package(ocimake REQUIRED)
add_executable(app main.c)
install(TARGETS app RUNTIME DESTINATION bin)
install(DIRECTORY data/ DESTINATION share/app)
add_container_image(app-image ENTRYPOINT /usr/local/bin/app)
CM
echo 'int main(void) { return 0; }' >"$src/main.c"
python3 - "$src/data" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = f"{root}/d{i // 1000:03}"
    if i % 1000 == 0: os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i % 1000:04}.txt", "w") as f: f.write(f"asset {i}\n" * 3)
PY
head -c "$((big * 1000000))" /dev/urandom >"$src/data/big.bin"
edited=$src/data/d000/f0500.txt
echo "tree: $(du -sh "$src/data" | cut -f1) in $((files + 1)) files"

# The peer: the same tree with COPY, the program prebuilt, in its own store.
peer=$work/peer
mkdir -p "$peer"
gcc -O2 -static -o "$peer/app" "$src/main.c"
cp -al "$src/data" "$peer/data"   # hard links: an edit to $edited shows in both
printf 'FROM scratch\nCOPY app /usr/local/bin/app\nCOPY data/ /usr/local/share/app/\nENTRYPOINT ["/usr/local/bin/app"]\n' \
  >"$peer/Dockerfile"
bud="buildah --storage-driver vfs --root $work/storage --runroot $work/run bud --isolation chroot --layers -q -t localhost/large:latest $peer"
edit="echo \"edit \$(date +%s%N)\" >>$edited"

now() { date +%s.%N; }
timed() { local s; s=$(now); "$@" >"$work/step.log" 2>&1 || { tail -20 "$work/step.log" >&2; exit 1; }
          python3 -c "print(round($(now) - $s, 2))"; }
configure="cmake -G Ninja -S $src -B $work/b -Docimake_DIR=$ocimake_dir"
ocimake_cold=$(timed /usr/bin/time -v -o "$work/rss.txt" sh -c "$configure && cmake --build $work/b --target app-image")
peak=$(awk -F: '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$work/rss.txt")
buildah_cold=$(timed sh -c "$bud")
echo "cold: ocimake ${ocimake_cold} s (configure included; peak RSS ${peak} MiB), buildah ${buildah_cold} s"

build="cmake --build $work/b --target app-image"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/noop.json" \
  -n ocimake_noop "$build" -n buildah_noop "$bud" >/dev/null
hyperfine --runs "$runs" --export-json "$work/edit.json" --prepare "$edit" \
  -n ocimake_edit "$build" -n buildah_edit "$bud" >/dev/null
# Where the last one-file edit's time went: its edges from .ninja_log.
python3 - "$work/b/.ninja_log" <<'PY'
import sys
runs, prev = [[]], -1
for line in open(sys.argv[1]):
    if line.startswith("#"): continue
    start, end, _, out, _ = line.split("\t")
    if int(start) < prev: runs.append([])
    prev = int(start)
    runs[-1].append((int(start), int(end), out.split("/")[-1]))
# An edge with several outputs has a line for each (and one more for each
# absolute spelling): one figure per edge, named by its first output.
edges = {}
for start, end, out in runs[-1]: edges.setdefault((start, end), out)
print("last edit's edges:", ", ".join(f"{o} {(e - s) / 1000:.1f} s"
      for (s, e), o in sorted(edges.items(), key=lambda i: i[0][0] - i[0][1])[:5]))
PY
python3 - "$work/noop.json" "$work/edit.json" "$ocimake_cold" "$buildah_cold" <<'PY'
import json, sys
m = {r["command"]: r["median"] for f in sys.argv[1:3] for r in json.load(open(f))["results"]}
cold_o, cold_b = float(sys.argv[3]), float(sys.argv[4])
print(f"cold      ocimake {cold_o:8.3f} s  buildah {cold_b:8.3f} s  ratio {cold_o / cold_b:.3f}")
for k in ("noop", "edit"):
    o, b = m[f"ocimake_{k}"], m[f"buildah_{k}"]
    print(f"{k:<9} ocimake {o:8.3f} s  buildah {b:8.3f} s  ratio {o / b:.3f}  (medians)")
PY
