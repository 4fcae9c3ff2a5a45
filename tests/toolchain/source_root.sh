# A project whose CMakeLists.txt sits in a subfolder of its repository and
# reads files above it (as zstd's build/cmake reads ../../lib): without
# SOURCE_ROOT the build stage fails with one line naming the file and the
# keyword; with it, the stage sees the repository at /src and builds.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
repo="$T/repo"
mkdir -p "$repo/build/cmake" "$repo/lib"
cp "$OCIMAKE_SOURCE_DIR/examples/toolchain-debian/main.cpp" "$repo/lib/main.cpp"
sed -e 's|add_executable(yaml-greeter main.cpp)|add_executable(yaml-greeter ../../lib/main.cpp)|' \
  -e 's|TEST_STAGE ON |@ROOT@ TEST_STAGE ON |' \
  "$OCIMAKE_SOURCE_DIR/examples/toolchain-debian/CMakeLists.txt" >"$repo/build/cmake/CMakeLists.in"
grep -q "../../lib/main.cpp" "$repo/build/cmake/CMakeLists.in" || fail "the example changed: re-check this test"

note "without SOURCE_ROOT: one line naming the file outside and the keyword"
sed 's|@ROOT@||' "$repo/build/cmake/CMakeLists.in" >"$repo/build/cmake/CMakeLists.txt"
"$CMAKE_COMMAND" -G Ninja -S "$repo/build/cmake" -B "$T/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  >/dev/null 2>&1 || fail configure
out=$("$CMAKE_COMMAND" --build "$T/b" --target image 2>&1) && fail "built without SOURCE_ROOT"
line=$(printf '%s\n' "$out" | grep '^ocimake stage:') || fail "no ocimake error: $out"
assert_contains "$line" "/src/../../lib/main.cpp ($repo/lib/main.cpp on the host), outside its source directory"
assert_contains "$line" "SOURCE_ROOT"
[ ! -e "$T/b/yaml-greeter-image/index.json" ] || fail "a layout was written"

note "with SOURCE_ROOT: the repository at /src, the project at /src/build/cmake"
sed 's|@ROOT@|SOURCE_ROOT ${PROJECT_SOURCE_DIR}/../..|' "$repo/build/cmake/CMakeLists.in" \
  >"$repo/build/cmake/CMakeLists.txt"
out=$("$CMAKE_COMMAND" --build "$T/b" --target image 2>&1) || fail "build with SOURCE_ROOT: $out"
assert_eq "hello, CI!" "$("$OCIMAKE" run "$T/b/yaml-greeter-image" -- --name CI)" "ocimake run"
assert_contains "$(cat "$T/b/CMakeFiles/yaml-greeter-image.ocimake/stage.d")" "$repo/lib/main.cpp" \
  "the depfile names the source above the project"
sed -i 's/std::cout << greeting/std::cout << "well, " << greeting/' "$repo/lib/main.cpp"
"$CMAKE_COMMAND" --build "$T/b" --target image >/dev/null 2>&1 || fail "rebuild after an edit above"
assert_eq "well, hello, CI!" "$("$OCIMAKE" run "$T/b/yaml-greeter-image" -- --name CI)" "after the edit"

note "bad SOURCE_ROOT: a configure error"
sed 's|@ROOT@|SOURCE_ROOT /usr/share|' "$repo/build/cmake/CMakeLists.in" >"$repo/build/cmake/CMakeLists.txt"
out=$("$CMAKE_COMMAND" -G Ninja -S "$repo/build/cmake" -B "$T/b2" -Docimake_DIR="$OCIMAKE_BUILD_DIR" 2>&1) &&
  fail "configured with a SOURCE_ROOT that does not hold the project"
assert_contains "$out" "SOURCE_ROOT /usr/share: expected"
echo "ok: SOURCE_ROOT"
