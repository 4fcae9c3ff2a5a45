# add_container_test() fails, with the output shown, when the expected text
# is absent; and the add_test properties work (here WILL_FAIL and LABELS).
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
copy_toolchain_example "$T/src"
sed -i 's|^# What follows is compiled|add_container_test(expects-goodbye IMAGE yaml-greeter-image ARGS --name CI\n  PASS_REGULAR_EXPRESSION "goodbye" LABELS smoke)\nadd_container_test(exit-code IMAGE yaml-greeter-image COMMAND /usr/local/bin/no-such-program\n  WILL_FAIL)\n# What follows is compiled|' \
  "$T/src/CMakeLists.txt"
"$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" >/dev/null
expect_failure out ctest --test-dir "$T/build" -R expects-goodbye --output-on-failure
assert_contains "$out" "hello, CI!" "the failing test shows the command's output"
assert_contains "$out" "Required regular expression not found" "ctest's reason"
out=$(ctest --test-dir "$T/build" -L smoke -N) ; assert_contains "$out" "expects-goodbye" "LABELS"
out=$(ctest --test-dir "$T/build" -R '^yaml-greeter-says-hello$' --output-on-failure 2>&1) || fail "$out"
# A command that cannot run inside the image fails (127); WILL_FAIL turns
# that into a pass, so the exit status really is passed through.
out=$(ctest --test-dir "$T/build" -R '^exit-code$' --output-on-failure 2>&1) || fail "WILL_FAIL: $out"
echo "ok: a missing expectation fails with the output shown"
