# The real-shaped project of tests/module/realproject built in a toolchain:
# the host's options (-DBUILD_SHARED_LIBS=ON, an option() and a set(CACHE))
# reach the build stage, TEST_STAGE runs the tests once per change, and a
# no-op image build (and <image>-run) runs no command at all.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
mkdir -p "$T/src"
cp -r "$OCIMAKE_TESTS_DIR/module/realproject/." "$T/src/"
# The same toolchain declaration as examples/toolchain-debian: one cache entry.
cat >>"$T/src/CMakeLists.txt" <<'CM'
add_container_toolchain(bookworm-yaml DEBIAN bookworm PACKAGES g++ cmake ninja-build libyaml-cpp-dev)
add_container_image(realproj-tc-image TOOLCHAIN bookworm-yaml TEST_STAGE ON
  ENTRYPOINT /usr/local/bin/realtool)
CM
build_example "$T/src" "$T/b" -DREALPROJ_ENTRYPOINT=/usr/local/bin/realtool \
  -DBUILD_SHARED_LIBS=ON -DREALPROJ_LOUD=ON -DREALPROJ_GREETING=howdy
inner="$T/b/CMakeFiles/ocimake-inner/bookworm-yaml.realproj"
layout="$T/b/realproj-tc-image"

note "the host's options crossed: a shared libgreet, LOUD, the greeting"
assert_eq "HOWDY, CI!" "$("$OCIMAKE" run "$layout" -- CI)" "the image's output"
"$OCIMAKE" inspect --files "$layout" >"$T/files.txt"
grep -q "/usr/local/lib/libgreet.so.1" "$T/files.txt" || fail "no shared libgreet in the image: $(cat "$T/files.txt")"
grep -q "^-DBUILD_SHARED_LIBS:BOOL=ON$" "$T/b/CMakeFiles/realproj-tc-image.ocimake/stage.defines" ||
  fail "BUILD_SHARED_LIBS did not cross: $(cat "$T/b/CMakeFiles/realproj-tc-image.ocimake/stage.defines")"
if grep -q "=/" "$T/b/CMakeFiles/realproj-tc-image.ocimake/stage.defines"; then
  fail "a host path crossed into the stage: $(cat "$T/b/CMakeFiles/realproj-tc-image.ocimake/stage.defines")"
fi
[ -f "$inner/.ocimake-ctest.log" ] || fail "TEST_STAGE ran no test"
assert_contains "$(cat "$inner/.ocimake-ctest.log")" "100% tests passed" "inner ctest log"

note "a no-op image build runs no command, and no test"
tests_before=$(stat -c %Y.%y "$inner/.ocimake-ctest.log")
log=$("$CMAKE_COMMAND" --build "$T/b" --target realproj-tc-image 2>&1) || fail "$log"
assert_contains "$log" "ninja: no work to do" "no-op build"
log=$("$CMAKE_COMMAND" --build "$T/b" --target realproj-tc-image-run 2>&1) || fail "$log"
assert_not_contains "$log" "in toolchain" "<image>-run"
assert_eq "$tests_before" "$(stat -c %Y.%y "$inner/.ocimake-ctest.log")" "inner ctest log after no-ops"

note "an edit rebuilds, re-tests and re-packs"
sleep 1.1
sed -i 's/", " + name/", " + name + ""/' "$T/src/src/greet.cpp"
log=$("$CMAKE_COMMAND" --build "$T/b" --target realproj-tc-image 2>&1) || fail "$log"
assert_contains "$log" "Building realproj in toolchain" "rebuild log"
assert_ne "$tests_before" "$(stat -c %Y.%y "$inner/.ocimake-ctest.log")" "inner ctest log after an edit"
echo "ok: options cross, tests run once per change, a no-op runs nothing"
