# The project of the compiler cache tests (compiler_cache.sh,
# compiler_cache_remote.sh, compiler_cache_sccache.sh), sourced after lib.sh.
#
# cached_project DIR TOOLCHAIN KIND PACKAGES...
#   writes DIR/main.cpp, DIR/part1..4.cpp and DIR/CMakeLists.txt: the image
#   cached-image (/usr/local/bin/cached, printing 40) built in the toolchain
#   TOOLCHAIN (DEBIAN bookworm with PACKAGES) with COMPILER_CACHE KIND (on
#   a line of its own, for a test to remove) on its cache mount, and a
#   generic cache mount, compiler-cache-test at /var/cache/counted, where
#   each inner build that generates gen.h leaves a line. Five translation
#   units. The inner configure gets CMAKE_CXX_FLAGS=-DRUN_ID=${RUN_ID}
#   ${EXTRA_FLAGS}, and CMAKE_CXX_COMPILER=${INNER_CXX} when INNER_CXX is
#   set (another compiler of the toolchain: g++-11). Each source returns
#   RUN_ID, so other users of the shared cache mount cannot make a run's
#   first build warm (an unused -D would not do: ccache's preprocessor mode
#   leaves -D out of its hash).
cached_project() {
  local dir=$1 toolchain=$2 kind=$3 i
  shift 3
  mkdir -p "$dir"
  for i in 1 2 3 4; do
    printf 'int part%d(int x) { return x * %d + %d; }\nlong long run%d() { return RUN_ID; }\n' \
      "$i" "$i" "$i" "$i" >"$dir/part$i.cpp"
  done
  cat >"$dir/main.cpp" <<'CPP'
#include <cstdio>
#include "gen.h"
int part1(int); int part2(int); int part3(int); int part4(int);
long long run0() { return RUN_ID; }
int main() { std::printf("%d\n", part1(1) + part2(2) + part3(3) + part4(4)); }
CPP
  cat >"$dir/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(cached LANGUAGES CXX)
find_package(ocimake REQUIRED)
add_container_toolchain($toolchain DEBIAN bookworm PACKAGES $*)
if(INNER_CXX)
  set(inner_cxx "CMAKE_CXX_COMPILER=\${INNER_CXX}")
endif()
add_container_image(cached-image TOOLCHAIN $toolchain
  CACHE_MOUNTS $kind compiler-cache-test=/var/cache/counted
  COMPILER_CACHE $kind
  CACHE_VARIABLES "CMAKE_CXX_FLAGS=-DRUN_ID=\${RUN_ID} \${EXTRA_FLAGS}" \${inner_cxx}
  ENTRYPOINT /usr/local/bin/cached)
# A generic cache mount: each inner build that generates gen.h leaves a
# line there (it persists across build directories, never in the image).
add_custom_command(OUTPUT gen.h
  COMMAND sh -c "echo run >>/var/cache/counted/runs"
  COMMAND \${CMAKE_COMMAND} -E touch gen.h)
add_executable(cached main.cpp part1.cpp part2.cpp part3.cpp part4.cpp gen.h)
target_include_directories(cached PRIVATE \${CMAKE_CURRENT_BINARY_DIR})
install(TARGETS cached RUNTIME DESTINATION bin)
CM
}

# The "ocimake: compiler cache: ..." line of the build log LOG.
cache_stats() {
  grep -E '^ocimake: compiler cache: ' "$1" || fail "no compiler cache line in $1: $(cat "$1")"
}

# cache_mount_dir BUILD TOOLCHAIN ID: the cache mount ID of the toolchain
# TOOLCHAIN that the build directory BUILD used,
# <cache>/mounts/<the toolchain's cache entry>/ID.
cache_mount_dir() {
  local rootfs
  rootfs=$(head -1 "$1/CMakeFiles/ocimake-toolchains/$2.rootfs")
  echo "$OCIMAKE_CACHE_DIR/mounts/$(basename "$(dirname "$rootfs")")/$3"
}
