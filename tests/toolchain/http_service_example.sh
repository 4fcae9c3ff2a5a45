# examples/http-service: cpp-httplib's server built in a bookworm toolchain
# (the host has no httplib), two images of it, and the example's own ctest:
# its service test, its sidecar test (the api reaches "backend" by name) and
# its structure test all pass, with the image-build fixtures before them.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap; need curl curl
[ ! -e /usr/include/httplib.h ] ||
  fail "the host has httplib.h: this test proves the build does not need it"
b="$T/build"
build_example "$OCIMAKE_SOURCE_DIR/examples/http-service" "$b"
rootfs=$(cat "$b/CMakeFiles/ocimake-toolchains/bookworm-httplib.rootfs")
[ -e "$rootfs/usr/include/httplib.h" ] || fail "the toolchain lacks httplib.h"

note "the images: one program, two entrypoints"
assert_contains "$("$OCIMAKE" inspect "$b/greeting-api")" "--upstream"
assert_contains "$("$OCIMAKE" inspect "$b/greeting-backend")" "--role"

note "the example's ctest: build fixtures, service, sidecar and structure tests"
rm -rf "$b/greeting-api" "$b/greeting-backend"  # the fixtures build them again
out=$(ctest --test-dir "$b" --output-on-failure 2>&1) || fail "ctest: $out"
for t in ocimake.greeting-api.build ocimake.greeting-backend.build \
         greeting-api.ping greeting-api.upstream greeting-api.structure; do
  printf '%s\n' "$out" | grep -Eq "Test +#[0-9]+: $t \.+ +Passed" ||
    fail "$t did not pass: $out"
done
assert_contains "$out" "100% tests passed, 0 tests failed out of 5"

note "what each service test saw"
ctest --test-dir "$b" -R '^greeting-api\.upstream$' -V >"$T/upstream.log" 2>&1 ||
  { cat "$T/upstream.log"; fail "greeting-api.upstream failed when run again"; }
assert_contains "$(cat "$T/upstream.log")" "upstream says: pong from backend"
assert_contains "$(cat "$T/upstream.log")" "backend: ready (http://backend:8081/health) after"
assert_contains "$(cat "$b/greeting-api.upstream.logs/hosts")" "backend"
assert_contains "$(cat "$b/greeting-api.ping.logs/greeting-api.log")" "listening on 8080"
assert_contains "$(cat "$b/greeting-api.ping.logs/greeting-api.log")" "greeting-api: stopped"
echo "ok: greeting-api built in the toolchain; service, sidecar and structure tests pass"
