# COMPILER_CACHE ccache on a cache mount (CACHE_MOUNTS): a fresh build
# directory of the same project compiles every translation unit from the
# cache and gives the same image digest; other compile flags get no stale
# hit; turning it off drops the launcher; a toolchain without ccache fails
# in one line. The project is cached_project.sh's, with this run's RUN_ID.
# Another compiler (g++-11) in the same toolchain and mount is
# compiler_cache_sccache.sh's, for ccache too: its toolchain has both.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/toolchain/cached_project.sh"
need mmdebstrap mmdebstrap
run_id="$$$RANDOM"
cached_project "$T/src" bookworm-ccache ccache g++ cmake ninja-build ccache
stats() { cache_stats "$1"; }

note "cold: build directory A"
build_example "$T/src" "$T/a" -DRUN_ID="$run_id"
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats "$T/a.build.log")" "A's statistics"
digest_a=$(layout_digest "$T/a/cached-image")

note "warm: a fresh build directory B, the same cache mount"
build_example "$T/src" "$T/b" -DRUN_ID="$run_id"
assert_eq "ocimake: compiler cache: 5 hits, 0 misses (ccache)" "$(stats "$T/b.build.log")" "B's statistics"
assert_eq "$digest_a" "$(layout_digest "$T/b/cached-image")" "B's image digest (A's)"

# The mount lives under the cache, keyed by the toolchain's cache entry, and
# holds ccache's files; nothing of it reaches the image.
mount=$(cache_mount_dir "$T/a" bookworm-ccache ccache)
[ -n "$(find "$mount" -type f | head -1)" ] || fail "the cache mount $mount is empty"
counted="$(cache_mount_dir "$T/a" bookworm-ccache compiler-cache-test)/runs"
[ "$(wc -l <"$counted")" -ge 2 ] || fail "the CACHE_MOUNTS directory kept no line of A and B: $counted"
"$OCIMAKE" unpack "$T/b/cached-image" "$T/rootfs"
[ ! -e "$T/rootfs/ocimake" ] || fail "the image holds /ocimake: $(find "$T/rootfs/ocimake" | head)"
assert_eq "40" "$("$OCIMAKE" run "$T/b/cached-image")" "the program's output"

note "OCIMAKE_COMPILER_CACHE_RECACHE (CHECK_REPRODUCIBLE's rebuild): every file compiled again"
OCIMAKE_COMPILER_CACHE_RECACHE=1 build_example "$T/src" "$T/d" -DRUN_ID="$run_id"
assert_eq "ocimake: compiler cache: 0 hits, 0 misses, 5 recached (ccache)" \
  "$(stats "$T/d.build.log")" "D's statistics"
assert_eq "$digest_a" "$(layout_digest "$T/d/cached-image")" "D's image digest (A's)"

note "other compile flags (-O1), the same sources: no stale hit"
build_example "$T/src" "$T/c" -DRUN_ID="$run_id" -DEXTRA_FLAGS=-O1
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats "$T/c.build.log")" "C's statistics"

note "COMPILER_CACHE off in A: the launcher goes, A builds again without it"
inner="$T/a/CMakeFiles/ocimake-inner/bookworm-ccache.cached"
grep -q '^CMAKE_CXX_COMPILER_LAUNCHER.*=ccache$' "$inner/CMakeCache.txt" ||
  fail "A's inner cache has no ccache launcher: $(grep COMPILER_LAUNCHER "$inner/CMakeCache.txt")"
sed -i '/COMPILER_CACHE ccache/d' "$T/src/CMakeLists.txt"
"$CMAKE_COMMAND" --build "$T/a" --target image >"$T/a2.log" 2>&1 || { cat "$T/a2.log"; fail "rebuild A"; }
if grep -q '^ocimake: compiler cache' "$T/a2.log"; then fail "a stats line without COMPILER_CACHE"; fi
if grep -q 'COMPILER_LAUNCHER.*=ccache' "$inner/CMakeCache.txt"; then
  fail "the inner cache kept the launcher: $(grep COMPILER_LAUNCHER "$inner/CMakeCache.txt")"
fi
assert_eq "$digest_a" "$(layout_digest "$T/a/cached-image")" "A's digest without the compiler cache"

note "a toolchain without ccache: one line"
mkdir -p "$T/bare/src" "$T/empty-rootfs"
cp "$T/src"/*.cpp "$T/bare/src/"
cat >"$T/bare/src/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(bare LANGUAGES NONE)
find_package(ocimake REQUIRED)
add_container_toolchain(bare ROOTFS $T/empty-rootfs)
add_container_image(bare-image TOOLCHAIN bare COMPILER_CACHE ccache ENTRYPOINT /x)
CM
"$CMAKE_COMMAND" -G Ninja -S "$T/bare/src" -B "$T/bare/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" >"$T/bare.log" 2>&1 ||
  { cat "$T/bare.log"; fail "configure bare"; }
expect_failure out "$CMAKE_COMMAND" --build "$T/bare/b" --target image
line=$(printf '%s\n' "$out" | grep 'has no /usr/bin/ccache') || fail "no error naming ccache: $out"
assert_one_line "$line"
assert_contains "$line" "COMPILER_CACHE ccache: toolchain bare has no /usr/bin/ccache (add ccache to its PACKAGES)"
echo "ok: 5 misses cold, 5 hits in a fresh build directory with the same digest, misses with other flags, off drops the launcher, one-line error without ccache"
