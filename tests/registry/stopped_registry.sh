# Nothing listens: retried with backoff (0.5 s, 1 s, 2 s), then one clear
# line naming the registry.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
port=$(free_port)
make_tree "$T/tree" "nobody home"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
start=$(date +%s.%N)
expect_failure out "$OCIMAKE" push "$T/img" "127.0.0.1:$port/stopped/app:1"
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
note "after ${elapsed}s: $out"
assert_one_line "$out"
assert_contains "$out" "registry 127.0.0.1:$port: connection refused after 4 attempts"
python3 -c "import sys; sys.exit(0 if $elapsed >= 3.4 else 1)" ||
  fail "gave up after ${elapsed}s: expected backoff of 0.5 + 1 + 2 s"
expect_failure out "$OCIMAKE" pull "127.0.0.1:$port/stopped/app:1" "$T/out"
assert_one_line "$out"
assert_contains "$out" "registry 127.0.0.1:$port: connection refused after 4 attempts"
[ ! -e "$T/out" ] || fail "a failed pull created its output layout"
