# Nothing survives: ctest killed with SIGKILL (and, in a second run, with
# SIGTERM) while a service test's client runs; within 5 s no process of the
# test remains: not ocimake, not the sandbox, not the server, not the client.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need pgrep procps
b="$T/b"
build_example "$OCIMAKE_TESTS_DIR/service/fixture" "$b"
ctest --test-dir "$b" -R '^ocimake.svc-image.build$' >/dev/null

# The live (not zombie) processes of the test: its ocimake and sandbox
# command lines name the build tree; the server and the client by name.
test_pids() {
  local pid
  for pid in $(pgrep -f "$b/|svc-fixture|sleep 3001" || true); do
    [ "$pid" = "$$" ] && continue
    case "$(ps -o stat= -p "$pid" 2>/dev/null || true)" in Z* | "") continue ;; esac
    grep -qa -e "$b/" -e svc-fixture -e "sleep.3001" "/proc/$pid/cmdline" 2>/dev/null || continue
    echo "$pid"
  done
}

for signal in KILL TERM; do
  rm -f "$b/killed.mark"
  ctest --test-dir "$b" -R '^svc\.killed$' >"$T/ctest.$signal.log" 2>&1 &
  ctest_pid=$!
  for _ in $(seq 300); do [ -e "$b/killed.mark" ] && break; sleep 0.1; done
  [ -e "$b/killed.mark" ] || fail "the client never started: $(cat "$T/ctest.$signal.log")"
  before=$(test_pids)
  names=$(for p in $before; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)
  assert_contains "$names" "/usr/local/bin/svc-fixture" "processes before SIGKILL"
  assert_contains "$names" "sleep 3001" "processes before SIGKILL"
  assert_contains "$names" "ocimake-sandbox" "processes before SIGKILL"
  kill -"$signal" "$ctest_pid"
  left=""
  for _ in $(seq 50); do
    left=$(test_pids)
    [ -z "$left" ] && break
    sleep 0.1
  done
  [ -z "$left" ] || fail "5 s after SIG$signal of ctest, left: $(ps -o pid,stat,args -p "$(echo $left | tr ' ' ,)")"
  wait "$ctest_pid" 2>/dev/null || true
  note "SIG$signal: $(echo $before | wc -w) processes, none left"
done
