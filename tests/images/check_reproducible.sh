# add_container_image(... CHECK_REPRODUCIBLE ON): the <image>.reproducible
# CTest test of a project whose program embeds __DATE__ " " __TIME__ fails,
# naming the program's path in the image; the same project without the
# macros passes. The user's source and build trees are left as they were;
# the rebuild is kept on failure (its path printed) and removed on success.
. "$OCIMAKE_TESTS_DIR/lib.sh"
unset SOURCE_DATE_EPOCH  # GCC would fix __DATE__/__TIME__ to it
mkdir -p "$T/src" "$T/tmp"
cat >"$T/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(stamped LANGUAGES CXX)
find_package(ocimake REQUIRED)
add_executable(stamped main.cpp)
install(TARGETS stamped RUNTIME DESTINATION bin)
add_container_image(stamped-image ENTRYPOINT /usr/local/bin/stamped TAG stamped:1.0
  CHECK_REPRODUCIBLE ON)
CMAKE
echo '#include <cstdio>
int main() { std::puts("built " __DATE__ " " __TIME__); }' >"$T/src/main.cpp"

# A listing of a tree with every file's mtime, mode and content digest.
snapshot() { (cd "$1" && find . -printf '%p %T@ %m\n' | sort &&
  find . -type f -print0 | sort -z | xargs -0 sha256sum); }
check() {  # check OUTVAR BUILD: runs the stamped-image.reproducible test of BUILD
  local __rc=0 __out
  __out=$(TMPDIR="$T/tmp" ctest --test-dir "$2" -R '^stamped-image\.reproducible$' \
    --output-on-failure -V 2>&1) || __rc=$?
  printf -v "$1" '%s' "$__out"
  return $__rc
}

build_example "$T/src" "$T/b"
ctest --test-dir "$T/b" -L reproducible -N | grep 'stamped-image\.reproducible' >/dev/null || fail "test not registered"
before_src=$(snapshot "$T/src")
before_digest=$(layout_digest "$T/b/stamped-image")
# The check compiles main.cpp again; 1.1 s on, its __TIME__ surely differs.
sleep 1.1
check out "$T/b" && fail "a program with __TIME__ passed the check: $out"
assert_contains "$out" "stamped-image is not reproducible" "the failure"
assert_contains "$out" "usr/local/bin/stamped: content differs (sha256:" "the file named"
# (CMake wraps the message: the path may start a line of its own)
kept=$(printf '%s\n' "$out" | tr -s ' \n' '  ' |
  sed -n 's/.*the rebuild is kept in \([^)]*\)).*/\1/p' | head -1)
[ -d "$kept/build/stamped-image" ] || fail "the kept rebuild '$kept' is missing: $out"
assert_eq "$before_src" "$(snapshot "$T/src")" "the source tree after the check"
assert_eq "$before_digest" "$(layout_digest "$T/b/stamped-image")" "the user's image"
echo "failure reported as: $(printf '%s\n' "$out" | grep -m1 'content differs')"
rm -rf "$T/tmp"/*

# SOURCE_DATE_EPOCH set for the user's build and for ctest (as a CI may):
# the check builds without it, so the fixed __DATE__ does not hide anything.
SOURCE_DATE_EPOCH=1700000000 build_example "$T/src" "$T/b2"
SOURCE_DATE_EPOCH=1700000000 check out "$T/b2" && fail "SOURCE_DATE_EPOCH hid __DATE__: $out"
assert_contains "$out" "usr/local/bin/stamped: content differs" "with SOURCE_DATE_EPOCH"
rm -rf "$T/tmp"/*

# Without the macros the same project is reproducible.
echo '#include <cstdio>
int main() { std::puts("built"); }' >"$T/src/main.cpp"
"$CMAKE_COMMAND" --build "$T/b" --target image >/dev/null
check out "$T/b" || fail "the reproducible project failed the check: $out"
assert_contains "$out" "stamped-image is reproducible: identical: $(layout_digest "$T/b/stamped-image")"
[ -z "$(ls -A "$T/tmp")" ] || fail "the rebuild was not removed: $(ls "$T/tmp")"
echo ok
