# A failing test in TEST_STAGE fails the image build, naming the test.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
copy_toolchain_example "$T/src"
echo 'add_test(NAME always-fails COMMAND yaml-greeter --no-such-flag --self-test-broken)
set_tests_properties(always-fails PROPERTIES WILL_FAIL FALSE PASS_REGULAR_EXPRESSION "never printed")' \
  >>"$T/src/CMakeLists.txt"
"$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" >/dev/null
expect_failure out "$CMAKE_COMMAND" --build "$T/build" --target image
assert_contains "$out" "TEST_STAGE failed: 1 test failed: always-fails" "build output"
[ ! -e "$T/build/yaml-greeter-image/index.json" ] || fail "an image was made despite the failure"
echo "ok: the build stopped at the failing test"
