# add_container_structure_test(): in a project of its own (the hello program,
# built on the host), three structure tests that must pass and three that
# must fail, run by plain `ctest` on a fresh build tree (the image-build
# fixture builds the image): a wrong USER, a forbidden file present and an
# image over MAX_SIZE each fail with one line naming the check.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/src"
cp "$OCIMAKE_SOURCE_DIR/examples/hello/main.cpp" "$T/src/main.cpp"
cat >"$T/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(hello LANGUAGES CXX)
find_package(ocimake REQUIRED)
add_executable(hello main.cpp)
install(TARGETS hello RUNTIME DESTINATION bin)
add_container_image(hello-image ENTRYPOINT /usr/local/bin/hello BASE scratch
  LABELS org.opencontainers.image.title=hello TAG hello:1.0)

add_container_structure_test(config-ok IMAGE hello-image USER 65532
  ENTRYPOINT /usr/local/bin/hello ENV PATH IMAGE_LABELS org.opencontainers.image.title=hello)
add_container_structure_test(files-ok IMAGE hello-image
  FILES_PRESENT /usr/local/bin/hello FILES_ABSENT /bin/sh /usr/bin/gcc
  FILE_MODES /usr/local/bin/hello=0755 FILE_OWNERS /usr/local/bin/hello=0:0
  FILE_CONTENTS "/etc/passwd=^nonroot:x:65532:")
add_container_structure_test(size-ok IMAGE hello-image MAX_SIZE 50MB MAX_UNPACKED_SIZE 200MiB
  LABELS structure)

add_container_structure_test(wrong-user IMAGE hello-image USER 0)
add_container_structure_test(forbidden-file IMAGE hello-image FILES_ABSENT /usr/local/bin/hello)
add_container_structure_test(too-big IMAGE hello-image MAX_SIZE 1kB)
CMAKE

# Configured only: ctest's fixture builds the image.
"$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  >"$T/configure.log" 2>&1 || { cat "$T/configure.log"; fail "configure"; }
[ ! -e "$T/b/hello-image/index.json" ] || fail "the image was built before ctest"
rc=0
out=$(ctest --test-dir "$T/b" --output-on-failure 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "ctest passed with three failing structure tests: $out"

# The status ctest gives test NAME ("Passed" or "Failed").
status() {
  printf '%s\n' "$out" | sed -n "s/^ *[0-9]*\/[0-9]* Test *#[0-9]*: $1 \.*[ *]*\([A-Za-z]*\).*/\1/p"
}
for t in ocimake.hello-image.build config-ok files-ok size-ok; do
  assert_eq Passed "$(status "$t")" "ctest's status of $t in: $out"
done
for t in wrong-user forbidden-file too-big; do
  assert_eq Failed "$(status "$t")" "ctest's status of $t in: $out"
done

# One line per failing test, each naming its check.
image="$T/b/hello-image:hello:1.0"
lines=$(printf '%s\n' "$out" | grep '^ocimake structure-test: ' || true)
assert_eq 3 "$(printf '%s\n' "$lines" | wc -l)" "failure lines in: $out"
assert_contains "$lines" "ocimake structure-test: $image: USER: \"65532:65532\", expected \"0\""
assert_contains "$lines" "ocimake structure-test: $image: FILES_ABSENT: /usr/local/bin/hello is present"
size=$("$OCIMAKE" inspect --json "$T/b/hello-image" |
  python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["manifest"]["layers"]))')
assert_contains "$lines" "ocimake structure-test: $image: MAX_SIZE: $(python3 -c "print(f'{$size/1000:.1f}')") kB ($size bytes of compressed layers) is over 1 kB"

# The passing ones print their count.
pass=$(ctest --test-dir "$T/b" -R '^files-ok$' -V 2>&1) || fail "files-ok alone: $pass"
assert_contains "$pass" "$image: 6 checks passed"
printf '%s\n' "$lines"
echo ok
