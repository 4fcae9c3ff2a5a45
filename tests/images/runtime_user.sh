# Non-root by default: the image's config user is 65532:65532, and under
# add_container_test() the command runs as it (`id -u` prints 65532), can
# write to a WRITABLE directory and /tmp, and cannot write to /usr. USER
# root opts out; a named user found nowhere fails the build with one line;
# a base's /etc/passwd is kept and extended.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need busybox busybox-static
mkdir -p "$T/src"
cat >"$T/src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(runtime_user NONE)
find_package(ocimake REQUIRED)
install(PROGRAMS /bin/busybox DESTINATION bin)
add_container_image(svc ENTRYPOINT /usr/local/bin/busybox
  WRITABLE /var/cache/svc /var/lib/svc TAG svc:1)
add_container_test(svc-id IMAGE svc ARGS id -u PASS_REGULAR_EXPRESSION "^65532\n$")
add_container_test(svc-writes IMAGE svc
  ARGS sh -c "echo cached >/var/cache/svc/f && cat /var/cache/svc/f && echo t >/tmp/t && cat /tmp/t"
  PASS_REGULAR_EXPRESSION "^cached\nt\n$")
add_container_test(svc-usr-read-only IMAGE svc ARGS touch /usr/local/bin/x
  PASS_REGULAR_EXPRESSION "touch: /usr/local/bin/x: Read-only file system")
add_container_image(svc-root ENTRYPOINT /usr/local/bin/busybox USER root TAG svc-root:1)
add_container_test(svc-root-id IMAGE svc-root ARGS id -u PASS_REGULAR_EXPRESSION "^0\n$")
CM
build_example "$T/src" "$T/b"
assert_eq "65532:65532" "$("$OCIMAKE" inspect --json "$T/b/svc" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["config"]["User"])')" \
  "the config's user"
# A static program: the closure is empty, and a build with no change still
# runs nothing.
out=$("$CMAKE_COMMAND" --build "$T/b" --target image 2>&1)
assert_contains "$out" "no work to do" "a no-op build of an image with an empty closure"
out=$(ctest --test-dir "$T/b" --output-on-failure 2>&1) || fail "the image's tests: $out"
for t in svc-id svc-writes svc-usr-read-only svc-root-id; do
  printf '%s\n' "$out" | grep -Eq "Test +#[0-9]+: $t \.+ +Passed" || fail "$t did not pass: $out"
done
# The layer as a container runtime sees it: ownership and modes.
layer=$("$OCIMAKE" inspect --json "$T/b/svc" | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["layers"][-1]["digest"].split(":")[1])')
listing=$(tar -tvzf "$T/b/svc/blobs/sha256/$layer" --numeric-owner)
for want in "drwxr-xr-x 65532/65532 .* var/cache/svc/" "drwx------ 65532/65532 .* home/nonroot/" \
    "drwxrwxrwt 0/0 .* tmp/" "-rw-r--r-- 0/0 .* etc/passwd"; do
  printf '%s\n' "$listing" | grep -Eq -- "^$want\$" || fail "no '$want' in the user layer: $listing"
done

note "a named user found nowhere"
sed -i 's/USER root/USER ghost/' "$T/src/CMakeLists.txt"
expect_failure out "$CMAKE_COMMAND" --build "$T/b" --target svc-root
line=$(printf '%s\n' "$out" | grep 'USER ghost')
assert_eq "ocimake user: USER ghost: no user 'ghost' in ocimake's accounts (root, nonroot, nobody)" "$line"

note "on a base with its own /etc/passwd (the first image): kept, USER of the base's accounts"
cat >"$T/src2.cmake" <<CM
cmake_minimum_required(VERSION 3.25)
project(on_base NONE)
find_package(ocimake REQUIRED)
add_container_image(on-base BASE "$T/b/svc:svc:1" USER nobody TAG on-base:1)
CM
mkdir -p "$T/src2" && mv "$T/src2.cmake" "$T/src2/CMakeLists.txt"
build_example "$T/src2" "$T/b2"
assert_eq "$(printf 'id=65534\nuser=nobody')" \
  "$("$OCIMAKE" run "$T/b2/on-base" -- sh -c 'echo id=$(id -u); echo user=$(id -un)')" \
  "USER nobody, from the base's /etc/passwd"
echo "ok: non-root by default, writable where declared, read-only elsewhere"
