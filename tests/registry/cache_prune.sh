# `ocimake cache ls` and `ocimake cache prune` on a cache of its own: a
# pulled image (oci/, repos/) and a TARBALL toolchain (toolchains/, made by
# a CMake build's toolchain edge). ls lists them; --dry-run removes nothing;
# an entry whose lock another process holds (a build using it) is kept;
# --max-size 0 frees everything else; the next pull and the next build work
# (the toolchain edge makes the pruned toolchain again); --older-than takes
# only what was unused that long.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"
export OCIMAKE_CACHE_DIR="$T/cache"  # pruned: never the cache other tests share

make_tree "$T/tree" "cache prune"
head -c 2000000 /dev/urandom >"$T/tree/usr/local/share/app/noise.bin"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" push "$T/img" "$REG_HOST/cacheprune/app:1")
"$OCIMAKE" pull "$REG_HOST/cacheprune/app:1" "$T/out1:x" >/dev/null

tar -C "$T/tree" -cf "$T/toolchain.tar" .
mkdir -p "$T/project"
cat >"$T/project/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(cache_prune NONE)
find_package(ocimake REQUIRED)
add_container_toolchain(tiny TARBALL "${TOOLCHAIN_TAR}")
CMAKE
"$CMAKE_COMMAND" -G Ninja -S "$T/project" -B "$T/build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  -DTOOLCHAIN_TAR="$T/toolchain.tar" >"$T/configure.log" 2>&1 || { cat "$T/configure.log"; fail "configure"; }
ninja -C "$T/build" ocimake-toolchain-tiny >"$T/ninja1.log" 2>&1 || { cat "$T/ninja1.log"; fail "toolchain build"; }
rootfs=$(cat "$T/build/CMakeFiles/ocimake-toolchains/tiny.rootfs")
[ -f "$rootfs/usr/local/share/app/message.txt" ] || fail "toolchain rootfs $rootfs not made"
key=$(basename "$(dirname "$rootfs")")

ls_out=$("$OCIMAKE" cache ls)
note "$ls_out"
assert_contains "$ls_out" "toolchain  $key"
assert_contains "$ls_out" "tarball sha256:"
assert_contains "$ls_out" "$REG_HOST/cacheprune/app:1"
assert_contains "$ls_out" "total "
kinds=$("$OCIMAKE" cache ls --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["total_bytes"] > 2000000, d["total_bytes"]
print(" ".join(sorted({e["kind"] for e in d["entries"]})))')
assert_eq "oci repos toolchain" "$kinds"
before=$(du -sk "$OCIMAKE_CACHE_DIR" | cut -f1)

dry=$("$OCIMAKE" cache prune --max-size 0 --dry-run)
assert_contains "$dry" "would remove toolchain $key"
[ -d "$rootfs" ] || fail "--dry-run removed the toolchain"
fresh=$("$OCIMAKE" cache prune --older-than 1d)
assert_contains "$fresh" "freed 0 B in 0 entries"

# A build using the toolchain holds its entry's lock shared: prune keeps it.
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_SH)
open(sys.argv[2], "w").close()
time.sleep(120)' "$(dirname "$rootfs").lock" "$T/held" &
holder=$!
for _ in $(seq 100); do [ -e "$T/held" ] && break; sleep 0.1; done
[ -e "$T/held" ] || fail "the lock holder did not start"
out=$("$OCIMAKE" cache prune --max-size 0)
note "$out"
kill "$holder"; wait "$holder" 2>/dev/null || true
assert_contains "$out" "in use, kept: toolchain $key"
assert_contains "$out" "removed oci $REG_HOST/cacheprune/app:1"
[ -f "$rootfs/usr/local/share/app/message.txt" ] || fail "prune removed a toolchain in use"
blobs=$(find "$OCIMAKE_CACHE_DIR/oci/blobs/sha256" -type f | wc -l)
assert_eq 0 "$blobs" "blobs left in oci/ after the prune"

out=$("$OCIMAKE" cache prune --max-size 0)
assert_contains "$out" "removed toolchain $key"
[ ! -e "$rootfs" ] || fail "the toolchain is still there"
after=$(du -sk "$OCIMAKE_CACHE_DIR" | cut -f1)
[ "$after" -lt $((before / 10)) ] || fail "prune freed too little: $before KiB -> $after KiB"
assert_eq 0 "$("$OCIMAKE" cache ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')"

# What went comes back when needed.
"$OCIMAKE" pull "$REG_HOST/cacheprune/app:1" "$T/out2:x" >/dev/null
assert_eq "$digest" "$(layout_digest "$T/out2:x")"
ninja -C "$T/build" ocimake-toolchain-tiny >"$T/ninja2.log" 2>&1 || { cat "$T/ninja2.log"; fail "rebuild"; }
[ -f "$rootfs/usr/local/share/app/message.txt" ] || fail "the next build did not make the toolchain again"
ninja -C "$T/build" -n -d explain ocimake-toolchain-tiny >"$T/ninja3.log" 2>&1
assert_contains "$(cat "$T/ninja3.log")" "no work to do"

# --older-than: an entry unused for two days goes, a fresh one stays.
touch -d '2 days ago' "$(dirname "$rootfs")" "$(dirname "$rootfs").lock"
out=$("$OCIMAKE" cache prune --older-than 1d)
assert_contains "$out" "removed toolchain $key"
case "$out" in *"removed oci"*) fail "--older-than 1d removed a fresh image: $out" ;; esac
expect_failure err "$OCIMAKE" cache prune --older-than 7x
assert_contains "$err" "--older-than '7x': expected a duration"
expect_failure err "$OCIMAKE" cache prune --max-size 10X
assert_contains "$err" "--max-size: bad size"
expect_failure err "$OCIMAKE" cache prune
assert_contains "$err" "give --max-size, --older-than or both"
