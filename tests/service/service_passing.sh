# The fixture's passing service tests: two on the same port at once (each in
# a network namespace of its own), and a sidecar reached by its name.
. "$OCIMAKE_TESTS_DIR/lib.sh"
b="$T/b"
build_example "$OCIMAKE_TESTS_DIR/service/fixture" "$b"
# Each client waits a second before it connects: under -j2 the two
# services listen on 8080 at the same time.
out=$(ctest --test-dir "$b" -R '^svc\.(pass1|pass2|sidecar|client_image)$' -j2 --output-on-failure 2>&1) ||
  fail "the passing service tests failed: $out"
assert_contains "$out" "100% tests passed, 0 tests failed out of 5"
log=$(cat "$b/Testing/Temporary/LastTest.log")
assert_contains "$log" "svc-image: ready (tcp:8080) after"
assert_contains "$log" "backend: ready (tcp:backend:8080) after"
assert_contains "$log" "front: ready (log:listening on 9090) after"
# Both servers listened on 8080 and shut down on SIGTERM, each in its own
# network namespace (under -j2, with each client's 1 s wait, they run at
# the same time; one shared network would fail the second bind).
for n in 1 2; do
  assert_contains "$(cat "$b/svc.pass$n.logs/svc-image.log")" "listening on 8080"
  assert_contains "$(cat "$b/svc.pass$n.logs/svc-image.log")" "SIGTERM, bye"
done
# The service saw the pod's /etc/hosts, and the host's is untouched.
assert_contains "$(cat "$b/svc.sidecar.logs/hosts")" "localhost front backend"
assert_not_contains "$(cat /etc/hosts)" "front backend"
# The client ran inside the image and asked the service by name.
assert_contains "$log" "-- client (in $b/svc-image:svc-image:latest): /usr/local/bin/svc-fixture get svc-image 8080"
