# usage: module_case.sh CASE REGEX — configures a one-call project and checks
# that configuring fails with REGEX in its output (or succeeds for "good").
. "$OCIMAKE_TESTS_DIR/lib.sh"
case=$1 regex=$2 generator=Ninja
call='add_container_image(app ENTRYPOINT /x)'
case $case in
  unknown_keyword) call='add_container_image(app ENTRYPIONT /x)' ;;
  missing_value) call='add_container_image(app ENTRYPOINT /x TAG)' ;;
  bad_compression) call='add_container_image(app COMPRESSION xz)' ;;
  bad_split_size) call='add_container_image(app LAYER_SPLIT_SIZE 64MB)' ;;
  relative_prefix) call='add_container_image(app PREFIX usr)' ;;
  bad_label) call='add_container_image(app LABELS novalue)' ;;
  bad_base_refresh) call='add_container_image(app BASE registry.example.com/base:1 BASE_REFRESH daily)' ;;
  missing_base) call='add_container_image(app BASE /no/such/base)' ;;
  bad_name) call='add_container_image(a/b)' ;;
  duplicate_target) call='add_custom_target(app)
add_container_image(app)' ;;
  bad_bind) call='add_container_image(app ENTRYPOINT /x)
add_container_test(t IMAGE app BIND data:/in:wr)' ;;
  relative_bind) call='add_container_image(app ENTRYPOINT /x)
add_container_test(t IMAGE app BIND data:in)' ;;
  bad_runtime_package) call='add_container_image(app ENTRYPOINT /x RUNTIME_PACKAGES Ca_Certs)' ;;
  compiler_cache_without_toolchain) call='add_container_image(app ENTRYPOINT /x COMPILER_CACHE ccache)' ;;
  cache_mount_bad_id|cache_mount_relative|cache_mount_reserved)
    case $case in
      cache_mount_bad_id) args='CACHE_MOUNTS a/b' ;;
      cache_mount_relative) args='CACHE_MOUNTS deps=cache/deps' ;;
      cache_mount_reserved) args='CACHE_MOUNTS deps=/build/deps' ;;
    esac
    call="add_container_toolchain(tc ROOTFS \${CMAKE_CURRENT_SOURCE_DIR})
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc $args)" ;;
  compiler_cache_toolchain_without_ccache) call='add_container_toolchain(tc DEBIAN bookworm PACKAGES g++ cmake ninja-build)
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc COMPILER_CACHE ccache)' ;;
  compiler_cache_good) call='add_container_toolchain(tc DEBIAN bookworm PACKAGES g++ cmake ninja-build ccache)
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc COMPILER_CACHE ccache CACHE_MOUNTS deps=/var/cache/deps)' ;;
  compiler_cache_sccache) call='add_container_toolchain(tc DEBIAN bookworm PACKAGES g++ cmake ninja-build ccache)
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc COMPILER_CACHE sccache)' ;;
  compiler_cache_sccache_remote) call='set(ENV{OCIMAKE_COMPILER_CACHE_REMOTE} redis://cache.internal:6379)
add_container_toolchain(tc DEBIAN bookworm PACKAGES g++ cmake ninja-build sccache)
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc COMPILER_CACHE sccache)' ;;
  compiler_cache_sccache_good) call='add_container_toolchain(tc DEBIAN bookworm PACKAGES g++ cmake ninja-build sccache)
add_container_image(app ENTRYPOINT /x TOOLCHAIN tc COMPILER_CACHE sccache)' ;;
  makefiles) generator="Unix Makefiles" ;;
  good) ;;
  *) fail "unknown case $case" ;;
esac
mkdir "$T/src"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(m NONE)\nfind_package(ocimake REQUIRED)\n%s\n' \
  "$call" >"$T/src/CMakeLists.txt"
rc=0
out=$("$CMAKE_COMMAND" -G "$generator" -S "$T/src" -B "$T/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" 2>&1) || rc=$?
if [ "$case" = good ] || [ "$case" = compiler_cache_good ] || [ "$case" = compiler_cache_sccache_good ]; then
  [ $rc -eq 0 ] || fail "a valid call failed to configure: $out"
  echo "ok: configures"
  exit 0
fi
[ $rc -ne 0 ] || fail "configure succeeded; expected an error matching: $regex"
flat=$(printf '%s' "$out" | tr '\n' ' ' | sed 's/  */ /g')
printf '%s' "$flat" | grep -Eq "$regex" || fail "expected /$regex/ in: $out"
echo "ok: $case fails with the expected message"
