# A second build with no change runs no command; an edit to the app re-packs
# the app layer only, and the image digest changes.
. "$OCIMAKE_TESTS_DIR/lib.sh"
cp -r "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/src"
build_example "$T/src" "$T/build"
work="$T/build/CMakeFiles/greeter-image.ocimake"
before=$(cat "$work/image.digest")

plan=$(ninja -C "$T/build" -n image)
assert_contains "$plan" "no work to do" "ninja -n after a full build"

libs_mtime=$(stat -c %Y.%y "$work/libs.layer.json")
app_before=$(cat "$work/app.layer.json")
sleep 1.1  # one tick of a coarse file-system clock
sed -i 's/{}, {}!/{}, dear {}!/' "$T/src/main.cpp"
log=$("$CMAKE_COMMAND" --build "$T/build" --target image 2>&1) || fail "rebuild: $log"
assert_contains "$log" "Packing the application layer" "rebuild log"
assert_contains "$log" "Resolving the shared libraries" "rebuild log (the program's ELF file changed)"
assert_not_contains "$log" "Packing the runtime-libraries layer" "rebuild log"
assert_eq "$libs_mtime" "$(stat -c %Y.%y "$work/libs.layer.json")" "libs descriptor mtime"
assert_ne "$app_before" "$(cat "$work/app.layer.json")" "app layer descriptor"
after=$(cat "$work/image.digest")
assert_ne "$before" "$after" "image digest after an edit"

# A change that rebuilds the binary identically (touch) re-stages but writes
# no new layer: nothing after the stage edge runs.
sleep 1.1
touch "$T/src/main.cpp"
log=$("$CMAKE_COMMAND" --build "$T/build" --target image 2>&1) || fail "rebuild: $log"
assert_not_contains "$log" "Packing" "log after touch"
assert_eq "$after" "$(cat "$work/image.digest")" "digest after touch"
assert_contains "$(ninja -C "$T/build" -n image)" "no work to do" "ninja -n after touch"
echo "ok: no-op runs nothing; an edit re-packs the app layer only"
