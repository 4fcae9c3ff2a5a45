# Incremental staging (stage/incremental_stage.h): a rebuild installs into
# the previous staging tree, so an unchanged installed file is not copied
# again (its inode stays), and after every kind of change the image is the
# one a fresh build directory makes from the same sources: an edit, a new
# file, a removed file and directory, a file install(CODE) writes, one it
# copies (file(COPY): unrecorded), one it writes only when missing, and
# changed install rules (which stage afresh when the records cannot tell
# stale from current: that last file).
. "$OCIMAKE_TESTS_DIR/lib.sh"
src=$T/src
mkdir -p "$src/data/keep" "$src/data/old"
cat >"$src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(assets LANGUAGES C)
find_package(ocimake REQUIRED)
add_executable(app main.c)
install(TARGETS app RUNTIME DESTINATION bin)
install(DIRECTORY data/ DESTINATION share/app)
install(CODE [[file(WRITE "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/share/app/written.txt" "written\n")]])
install(CODE "file(COPY [[${CMAKE_CURRENT_SOURCE_DIR}/extra.txt]] DESTINATION \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/extra\")")
install(CODE [[
  set(once "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/share/once.txt")
  if(NOT EXISTS "${once}")
    file(WRITE "${once}" "written once\n")
  endif()]])
include(rules.cmake)
add_container_image(assets-image ENTRYPOINT /usr/local/bin/app)
CM
echo 'int main(void) { return 0; }' >"$src/main.c"
echo extra >"$src/extra.txt"
: >"$src/rules.cmake"
for i in 1 2 3; do echo "keep $i" >"$src/data/keep/k$i.txt"; echo "old $i" >"$src/data/old/o$i.txt"; done
head -c 200000 /dev/urandom >"$src/data/keep/big.bin"

build_example "$src" "$T/b"
stage=$T/b/CMakeFiles/assets-image.ocimake/stage
digest() { cat "$1/CMakeFiles/assets-image.ocimake/image.digest"; }
build() { "$CMAKE_COMMAND" --build "$T/b" --target image 2>&1 || fail "build: $(cat)"; }
# fresh NAME: a new build directory from the same sources; its digest must
# be the incremental one's.
fresh() {
  rm -rf "$T/fresh"
  build_example "$src" "$T/fresh"
  assert_eq "$(digest "$T/fresh")" "$(digest "$T/b")" "digest after $1: incremental vs fresh"
}
inode() { stat -c %i "$stage/usr/local/share/app/keep/big.bin"; }
[ -f "$T/b/CMakeFiles/assets-image.ocimake/.stage.state" ] || fail "no staging state after the first build"
assert_contains "$(cat "$stage/usr/local/share/app/written.txt")" "written" "install(CODE) file(WRITE)"
assert_contains "$(cat "$stage/usr/local/share/extra/extra.txt")" "extra" "install(CODE) file(COPY)"

note "an edit: the unchanged files are not copied again"
before=$(inode)
echo changed >>"$src/data/keep/k1.txt"
build >/dev/null
assert_eq "$before" "$(inode)" "inode of an unchanged staged file"
assert_contains "$(cat "$stage/usr/local/share/app/keep/k1.txt")" "changed" "the edited file"
fresh "an edit"

note "a new file, a removed file and a removed directory"
echo new >"$src/data/keep/new.txt"
rm "$src/data/keep/k2.txt"
rm -r "$src/data/old"
log=$(build)
assert_contains "$log" "staged entries no longer installed: removed" "log"
[ ! -e "$stage/usr/local/share/app/keep/k2.txt" ] || fail "a removed file is still staged"
[ ! -e "$stage/usr/local/share/app/old" ] || fail "a removed directory is still staged"
[ -f "$stage/usr/local/share/app/keep/new.txt" ] || fail "a new file is not staged"
[ -f "$stage/usr/local/share/extra/extra.txt" ] || fail "file(COPY)'s unrecorded file was removed"
[ -f "$stage/usr/local/share/once.txt" ] || fail "install(CODE)'s untouched unrecorded file was removed"
fresh "removals"

note "changed install rules: a file only the state explains means staging afresh"
echo 'install(FILES main.c DESTINATION share/src)' >"$src/rules.cmake"
log=$(build)
assert_contains "$log" "the install rules changed: staging" "log after a rule change"
[ -f "$stage/usr/local/share/src/main.c" ] || fail "the new rule's file is not staged"
fresh "a rule change"

note "the rule removed again: its file goes"
: >"$src/rules.cmake"
build >/dev/null
[ ! -e "$stage/usr/local/share/src" ] || fail "a removed rule's file is still staged"
fresh "a rule removal"

note "a failed install leaves no state: the next build stages afresh"
echo 'install(CODE "message(FATAL_ERROR \"install failed on purpose\")")' >"$src/rules.cmake"
expect_failure out "$CMAKE_COMMAND" --build "$T/b" --target image
assert_contains "$out" "install failed on purpose" "the failed build's output"
[ ! -e "$T/b/CMakeFiles/assets-image.ocimake/.stage.state" ] || fail "a failed stage left its state"
: >"$src/rules.cmake"
build >/dev/null
fresh "a failed install"
