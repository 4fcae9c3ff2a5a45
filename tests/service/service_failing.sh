# The fixture's failing service tests each fail, naming why in one line:
# a server that never listens (within READY_TIMEOUT), one that ignores
# SIGTERM (EXPECT_CLEAN_SHUTDOWN), one that crashes at start (at once, with
# its log).
. "$OCIMAKE_TESTS_DIR/lib.sh"
b="$T/b"
build_example "$OCIMAKE_TESTS_DIR/service/fixture" "$b"

run_failing() {  # run_failing TEST: its output; the test must fail
  local out
  out=$(ctest --test-dir "$b" -R "^$1\$" --output-on-failure 2>&1) &&
    fail "$1 passed; expected it to fail: $out"
  assert_contains "$out" "***Failed" "$1"
  printf '%s' "$out"
}

out=$(run_failing svc.never_listens)
assert_contains "$out" "ocimake service-test: svc-image: not ready after 3 s: tcp:8080: Connection refused"
secs=$(printf '%s\n' "$out" | sed -n 's/.*svc.never_listens .*Failed *\([0-9.]*\) sec.*/\1/p')
[ -n "$secs" ] || fail "no time for svc.never_listens in: $out"

out=$(run_failing svc.ignores_term)
assert_contains "$out" "svc-image: ready (http://localhost:8080/) after"
assert_contains "$out" \
  "ocimake service-test: svc-image: still running 2 s after SIGTERM (EXPECT_CLEAN_SHUTDOWN); killed"
assert_contains "$out" "svc-image| svc-fixture: listening on 8080"

out=$(run_failing svc.crashes)
assert_contains "$out" "ocimake service-test: svc-image: exited with status 3 before it was ready (tcp:8080)"
assert_contains "$out" "svc-image| svc-fixture: cannot open /etc/svc.conf, giving up"
assert_not_contains "$out" "-- client:"
# The log file is kept after the test.
assert_contains "$(cat "$b/svc.crashes.logs/svc-image.log")" "giving up"

# A bad probe is a configure-time error naming it.
mkdir -p "$T/bad"
cat > "$T/bad/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(bad NONE)
find_package(ocimake REQUIRED)
add_container_service_test(t IMAGE $b/svc-image READY udp:53)
CM
expect_failure out "$CMAKE_COMMAND" -S "$T/bad" -B "$T/bad/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR"
assert_contains "$out" "add_container_service_test(t): READY udp:53: expected tcp:[<host>:]<port>"
# ... and at run time, from the command.
expect_failure out "$OCIMAKE" service-test "$b/svc-image" --ready tcp:99999 --log-dir "$T/l"
assert_contains "$out" "READY tcp:99999: no port 1-65535"
assert_one_line "$out"
