# find_package(ocimake) works against an install (and the build tree, which
# every other test uses); add_subdirectory() and FetchContent of ocimake's
# source work too, building none of its tests, examples or dashboard targets.
# usage: package.sh install|subdirectory|fetchcontent
. "$OCIMAKE_TESTS_DIR/lib.sh"
case $1 in
  install)
    "$CMAKE_COMMAND" --install "$OCIMAKE_BUILD_DIR" --prefix "$T/prefix" >/dev/null
    [ -x "$T/prefix/bin/ocimake" ] && [ -x "$T/prefix/bin/ocimake-sandbox" ] || fail "tools not installed"
    [ -f "$T/prefix/lib/cmake/ocimake/ocimake-config.cmake" ] || fail "no package config"
    "$CMAKE_COMMAND" -G Ninja -S "$OCIMAKE_SOURCE_DIR/examples/hello" -B "$T/b" \
      -DCMAKE_PREFIX_PATH="$T/prefix" >"$T/configure.log" 2>&1 || { cat "$T/configure.log"; fail configure; }
    grep -q "$T/prefix/bin/ocimake " "$T/b/build.ninja" || fail "the build does not use the installed tool"
    "$CMAKE_COMMAND" --build "$T/b" --target hello-image >/dev/null || fail "build against the install"
    assert_eq "hello, install!" "$("$T/prefix/bin/ocimake" run "$T/b/hello-image" -- install)" "run" ;;
  subdirectory|fetchcontent)
    # The user's project as real ones are: include(CTest) first, ocimake
    # pulled in plainly (no EXCLUDE_FROM_ALL, no BUILD_TESTING OFF).
    mkdir "$T/src"
    cp "$OCIMAKE_SOURCE_DIR/examples/hello/main.cpp" "$T/src/"
    if [ "$1" = subdirectory ]; then
      pull="add_subdirectory(\"$OCIMAKE_SOURCE_DIR\" ocimake)"
    else
      pull="include(FetchContent)
FetchContent_Declare(ocimake SOURCE_DIR \"$OCIMAKE_SOURCE_DIR\")
FetchContent_MakeAvailable(ocimake)"
    fi
    cat >"$T/src/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(user CXX)
include(CTest)
$pull
add_executable(hello main.cpp)
install(TARGETS hello RUNTIME DESTINATION bin)
add_container_image(hello-image ENTRYPOINT /usr/local/bin/hello)
CM
    "$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/b" >"$T/configure.log" 2>&1 || { cat "$T/configure.log"; fail configure; }
    "$CMAKE_COMMAND" --build "$T/b" --target hello-image-run >"$T/build.log" 2>&1 || { tail -30 "$T/build.log"; fail build; }
    assert_contains "$(cat "$T/build.log")" "hello, world!" "hello-image-run output"
    built=$(cut -f4 "$T/b/.ninja_log" | sort -u)
    for never in ocimake_unit_tests fixture_ suid-probe examples/ Experimental Continuous; do
      if printf '%s\n' "$built" | grep -q "$never"; then fail "$never was built for the image"; fi
    done
    files=$("$OCIMAKE" inspect --files "$T/b/hello-image")
    assert_contains "$files" "/usr/local/bin/hello" "image files"
    assert_not_contains "$files" "bin/ocimake" "image files (ocimake's own install rules are off)"
    assert_not_contains "$files" "cmake/ocimake" "image files (ocimake's own install rules are off)" ;;
  *) fail "unknown case $1" ;;
esac
echo "ok: $1"
