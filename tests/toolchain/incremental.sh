# In the build stage, editing one source file recompiles that file only (the
# inner Ninja's log) and re-packs only the app layer; a no-op image build
# re-packs nothing.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
copy_toolchain_example "$T/src"
cat >"$T/src/extra.cpp" <<'CPP'
int extra_value() { return 7; }
CPP
cat >"$T/src/other.cpp" <<'CPP'
int other_value() { return 8; }
CPP
sed -i 's/add_executable(yaml-greeter main.cpp)/add_executable(yaml-greeter main.cpp extra.cpp other.cpp)/' \
  "$T/src/CMakeLists.txt"
build_example "$T/src" "$T/build"
work="$T/build/CMakeFiles/yaml-greeter-image.ocimake"
inner="$T/build/CMakeFiles/ocimake-inner/bookworm-yaml.yaml-greeter"
[ -f "$inner/.ninja_log" ] || fail "no inner build directory at $inner"

note "no-op"
log=$("$CMAKE_COMMAND" --build "$T/build" --target image 2>&1) || fail "$log"
assert_not_contains "$log" "Packing" "no-op build log"
assert_contains "$log" "ninja: no work to do" "the inner no-op"

note "one file edited"
libs_mtime=$(stat -c %Y.%y "$work/libs.layer.json")
before=$(cat "$work/image.digest")
lines_before=$(wc -l <"$inner/.ninja_log")
sleep 1.1
echo 'int extra_value2() { return 9; }' >>"$T/src/extra.cpp"
log=$("$CMAKE_COMMAND" --build "$T/build" --target image 2>&1) || fail "$log"
compiled=$(tail -n +$((lines_before + 1)) "$inner/.ninja_log" | cut -f4 | grep '\.o$' | sort | tr '\n' ' ')
assert_eq "CMakeFiles/yaml-greeter.dir/extra.cpp.o " "$compiled" "objects the inner Ninja rebuilt"
assert_contains "$log" "Packing the application layer" "rebuild log"
assert_not_contains "$log" "Packing the runtime-libraries layer" "rebuild log"
assert_eq "$libs_mtime" "$(stat -c %Y.%y "$work/libs.layer.json")" "libs descriptor mtime"
assert_ne "$before" "$(cat "$work/image.digest")" "image digest"
echo "ok: one object recompiled, one layer re-packed"
