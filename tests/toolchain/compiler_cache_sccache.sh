# COMPILER_CACHE sccache (Debian bookworm's sccache 0.4) on its cache mount:
# a fresh build directory of the same project compiles every translation
# unit from the cache and gives the same image digest; CHECK_REPRODUCIBLE's
# rebuild compiles everything again; other flags get no stale hit; two
# build directories built at once take turns on the mount (one compiles, the
# other hits); and no sccache server outlives a build, failed or not. Then a real compiler change in the same
# toolchain and cache mounts, for sccache and for ccache: the inner configure
# given CMAKE_CXX_COMPILER=g++-11 instead of the default g++ (12) gets no
# hit, and its image builds and runs. A remote is refused in one line. One
# toolchain (g++-11, ccache and sccache in its PACKAGES) for all of it; the
# project is cached_project.sh's, with this run's RUN_ID.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/toolchain/cached_project.sh"
need mmdebstrap mmdebstrap
run_id="$$$RANDOM"
packages="g++ g++-11 cmake ninja-build ccache sccache"
cached_project "$T/src" bookworm-cc2 sccache $packages
stats() { cache_stats "$T/$1.build.log"; }
build() { local name=$1; shift; build_example "$T/src" "$T/$name" -DRUN_ID="$run_id" "$@"; }
# sccache processes on this machine that are not zombies (a sandbox's pid
# namespace is visible from here).
servers() { ps -C sccache -o pid=,stat=,args= | awk '$2 !~ /^Z/' || :; }

note "cold: build directory A"
build a
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (sccache)" "$(stats a)" "A's statistics"
digest=$(layout_digest "$T/a/cached-image")
assert_eq "" "$(servers)" "sccache servers left after A's build"

note "warm: a fresh build directory B, the same cache mount"
build b
assert_eq "ocimake: compiler cache: 5 hits, 0 misses (sccache)" "$(stats b)" "B's statistics"
assert_eq "$digest" "$(layout_digest "$T/b/cached-image")" "B's image digest (A's)"
mount=$(cache_mount_dir "$T/a" bookworm-cc2 sccache)
[ -n "$(find "$mount" -type f | head -1)" ] || fail "the cache mount $mount is empty"
"$OCIMAKE" unpack "$T/b/cached-image" "$T/rootfs"
[ ! -e "$T/rootfs/ocimake" ] || fail "the image holds /ocimake: $(find "$T/rootfs/ocimake" | head)"
assert_eq "40" "$("$OCIMAKE" run "$T/b/cached-image")" "the program's output"
grep -q '^CMAKE_CXX_COMPILER_LAUNCHER.*=sccache$' \
  "$T/b/CMakeFiles/ocimake-inner/bookworm-cc2.cached/CMakeCache.txt" || fail "B's inner cache has no sccache launcher"

# Stages that share the mount take turns on a lock beside it, which `ocimake
# cache ls` does not take for a mount.
[ -f "$mount.server.lock" ] || fail "no lock beside the sccache mount: $(ls "$(dirname "$mount")")"
assert_not_contains "$("$OCIMAKE" cache ls)" "sccache.server" "ocimake cache ls"

note "two fresh build directories at once, one mount: their stages take turns (one compiles, one hits)"
build_example "$T/src" "$T/p1" -DRUN_ID="${run_id}7" & p1=$!
build_example "$T/src" "$T/p2" -DRUN_ID="${run_id}7" & p2=$!
wait "$p1" || fail "build P1"
wait "$p2" || fail "build P2"
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (sccache)
ocimake: compiler cache: 5 hits, 0 misses (sccache)" "$( (stats p1; stats p2) | sort)" "P1's and P2's statistics"

note "sources that do not compile (RUN_ID undefined): the stage fails, its server stopped all the same"
expect_failure out build_example "$T/src" "$T/x" -DRUN_ID="$run_id" -DEXTRA_FLAGS=-URUN_ID
assert_contains "$(cat "$T/x.build.log")" "building the project in the toolchain failed" "X's build log"
assert_eq "" "$(servers)" "sccache servers left after a failed build"

note "OCIMAKE_COMPILER_CACHE_RECACHE (CHECK_REPRODUCIBLE's rebuild): every file compiled again"
OCIMAKE_COMPILER_CACHE_RECACHE=1 build d
assert_eq "ocimake: compiler cache: 0 hits, 0 misses, 5 recached (sccache)" "$(stats d)" "D's statistics"
assert_eq "$digest" "$(layout_digest "$T/d/cached-image")" "D's image digest (A's)"

note "other compile flags (-O1), the same sources: no stale hit"
build c -DEXTRA_FLAGS=-O1
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (sccache)" "$(stats c)" "C's statistics"

note "another compiler (g++-11), the same toolchain, mount and flags: no stale hit"
build e -DINNER_CXX=g++-11
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (sccache)" "$(stats e)" "E's statistics"
grep -q '^CMAKE_CXX_COMPILER:.*g++-11$' "$T/e/CMakeFiles/ocimake-inner/bookworm-cc2.cached/CMakeCache.txt" ||
  fail "E's inner build did not use g++-11"
assert_eq "40" "$("$OCIMAKE" run "$T/e/cached-image")" "E's program's output"
build f -DINNER_CXX=g++-11
assert_eq "ocimake: compiler cache: 5 hits, 0 misses (sccache)" "$(stats f)" "F's statistics (g++-11 again)"
assert_eq "" "$(servers)" "sccache servers left"

note "ccache in the same toolchain: g++ then g++-11, no stale hit"
sed -i 's/^\(  CACHE_MOUNTS \)sccache /\1ccache /; s/^  COMPILER_CACHE sccache$/  COMPILER_CACHE ccache/' \
  "$T/src/CMakeLists.txt"
build ga
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats ga)" "ccache with g++"
build gb -DINNER_CXX=g++-11
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats gb)" "ccache with g++-11"
assert_eq "40" "$("$OCIMAKE" run "$T/gb/cached-image")" "GB's program's output"

note "a remote with sccache: refused in one line, at configure time and by the stage"
sed -i 's/^  COMPILER_CACHE ccache$/  COMPILER_CACHE sccache/; s/^\(  CACHE_MOUNTS \)ccache /\1sccache /' \
  "$T/src/CMakeLists.txt"
expect_failure out "$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/r1" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  -DRUN_ID="$run_id" -DOCIMAKE_COMPILER_CACHE_REMOTE=redis://127.0.0.1:6379
assert_contains "$(printf '%s' "$out" | tr '\n' ' ' | sed 's/  */ /g')" \
  "COMPILER_CACHE sccache: OCIMAKE_COMPILER_CACHE_REMOTE works with COMPILER_CACHE ccache only" "configure"
"$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/r2" -Docimake_DIR="$OCIMAKE_BUILD_DIR" -DRUN_ID="$run_id" \
  >"$T/r2.log" 2>&1 || { cat "$T/r2.log"; fail "configure r2"; }
OCIMAKE_COMPILER_CACHE_REMOTE="redis://ci:pw-$run_id@127.0.0.1:6379" \
  expect_failure out "$CMAKE_COMMAND" --build "$T/r2" --target image
line=$(printf '%s\n' "$out" | grep 'OCIMAKE_COMPILER_CACHE_REMOTE') || fail "no error naming the remote: $out"
assert_one_line "$line"
assert_contains "$line" "COMPILER_CACHE sccache: OCIMAKE_COMPILER_CACHE_REMOTE (redis://ci:***@127.0.0.1:6379) works with COMPILER_CACHE ccache only"
assert_not_contains "$out" "pw-$run_id" "the stage's output"
echo "ok: sccache: 5 misses cold, 5 hits in a fresh build directory with the same digest, 5 recached, misses with other flags and with g++-11 (ccache too), no server left, a remote refused"
