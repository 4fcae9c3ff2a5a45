# A large install tree (install(DIRECTORY) of more files than a depfile
# should list) is tracked through an input manifest and `ocimake
# check-inputs`: a build with no change runs that check and nothing else,
# an edit, a new file or a removed one re-stages, and when the tree shrinks
# back under the limit the depfile takes over and a no-op runs nothing.
. "$OCIMAKE_TESTS_DIR/lib.sh"
src=$T/src
mkdir -p "$src"
cat >"$src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(assets LANGUAGES C)
find_package(ocimake REQUIRED)
add_executable(app main.c)
install(TARGETS app RUNTIME DESTINATION bin)
install(DIRECTORY data/ DESTINATION share/app)
add_container_image(assets-image ENTRYPOINT /usr/local/bin/app)
CM
echo 'int main(void) { return 0; }' >"$src/main.c"
# make_files FIRST LAST: data/dNN/fNNNN.txt, 100 a directory
make_files() {
  python3 - "$src/data" "$1" "$2" <<'PY'
import os, sys
root, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last):
    d = f"{root}/d{i // 100:02}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/f{i:04}.txt", "w").write(f"asset {i}\n")
PY
}
make_files 0 2100
build_example "$src" "$T/b"
work=$T/b/CMakeFiles/assets-image.ocimake
digest() { cat "$work/image.digest"; }
build() { "$CMAKE_COMMAND" --build "$T/b" --target image 2>&1 || fail "build: $(cat)"; }

note "more than 2000 inputs: a manifest, a depfile naming only it, no probe"
[ -f "$work/stage.inputs" ] || fail "no input manifest after the first build"
[ ! -e "$work/stage.inputs.probe" ] || fail "the probe is still there"
assert_eq 2 "$(wc -l <"$work/stage.d")" "lines of the stage's depfile"
assert_contains "$(cat "$work/stage.d")" "stage.inputs" "the stage's depfile"
assert_contains "$(tr '\0' '\n' <"$work/stage.inputs")" "$src/data/d20/f2099.txt" "the manifest"

note "no change: the check runs, nothing else"
first=$(digest)
log=$(build)
assert_contains "$log" "Checking the staging inputs of image assets-image" "no-op log"
assert_not_contains "$log" "Staging" "no-op log"
assert_not_contains "$log" "Packing" "no-op log"
assert_eq "$first" "$(digest)" "digest after a no-op"

note "an edit to one installed file re-stages and re-packs; the closure does not run (no ELF file changed)"
echo changed >>"$src/data/d07/f0700.txt"
log=$(build)
assert_contains "$log" "Staging the install tree" "log after an edit"
assert_contains "$log" "Packing the application layer" "log after an edit"
assert_not_contains "$log" "Resolving the shared libraries" "log after a data file's edit"
edited=$(digest)
assert_ne "$first" "$edited" "digest after an edit"

note "a new file in an installed directory is picked up"
make_files 2100 2101
log=$(build)
assert_contains "$log" "Staging the install tree" "log after a new file"
added=$(digest)
assert_ne "$edited" "$added" "digest after a new file"
"$OCIMAKE" inspect --files "$T/b/assets-image" | grep -q "share/app/d21/f2100.txt" ||
  fail "the new file is not in the image"

note "a removed directory is gone from the image"
rm -r "$src/data/d21"
build >/dev/null
assert_eq "$edited" "$(digest)" "digest after removing the new directory again"

note "under the limit again: the depfile lists the inputs; a no-op runs nothing"
rm -rf "$src/data"
make_files 0 50
build >/dev/null
[ ! -e "$work/stage.inputs" ] || fail "the input manifest outlived the large tree"
build >/dev/null   # the check runs once more, to leave its probe
[ -f "$work/stage.inputs.probe" ] || fail "no probe with a small tree"
assert_contains "$(ninja -C "$T/b" -n image)" "no work to do" "ninja -n with a small tree"
echo changed >>"$src/data/d00/f0007.txt"
assert_contains "$(build)" "Staging the install tree" "log after an edit to a small tree"

note "a damaged manifest: a one-line error naming it"
expect_failure out "$OCIMAKE" check-inputs --manifest "$src/main.c" --stamp "$T/s" --probe "$T/p"
assert_one_line "$out"
assert_contains "$out" "$src/main.c: not an ocimake input manifest" "error"
echo "ok: a large install tree is checked through its manifest"
