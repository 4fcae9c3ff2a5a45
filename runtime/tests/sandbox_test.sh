#!/usr/bin/env bash
# Black-box tests of ocimake-sandbox.
#
#   sandbox_test.sh PATH/TO/ocimake-sandbox CASE [PATH/TO/suid_probe]
#
# Each CASE is one ctest test (see runtime/CMakeLists.txt) and one case_CASE
# function below. Every case builds its own tiny rootfs from Debian's static
# busybox in a fresh temporary directory, runs the real binary and checks
# what the command inside could and could not do, and what the host sees
# afterwards. Cases that switch to an unprivileged user (uid 65534) with
# setpriv must run as root, as CI does. A missing tool is installed with
# apt-get when running as root; otherwise the case fails saying what to
# install.

set -u

SANDBOX=${1:?usage: sandbox_test.sh OCIMAKE_SANDBOX CASE}
CASE=${2:?usage: sandbox_test.sh OCIMAKE_SANDBOX CASE}
SANDBOX=$(readlink -f "$SANDBOX")
SUID_PROBE=${3:-}

T=""          # This run's temporary directory.
ROOTFS=""     # $T/rootfs.
RC=""         # Exit status, stdout and stderr of the last run.
OUT=""
ERR=""
LAST_COMMAND=""
BACKGROUND_PIDS=()
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)

# --- Reporting ---------------------------------------------------------------

fail() {
  {
    echo "FAIL sandbox.$CASE: $*"
    if [[ -n $LAST_COMMAND ]]; then
      echo "  last command: $LAST_COMMAND"
      echo "  exit status:  $RC"
      echo "  stdout: ${OUT//$'\n'/$'\n'          }"
      echo "  stderr: ${ERR//$'\n'/$'\n'          }"
    fi
  } >&2
  exit 1
}

expect_status() {
  [[ $RC == "$1" ]] || fail "expected exit status $1, got $RC"
}

expect_out() {
  [[ $OUT == "$1" ]] || fail "expected stdout '$1', got '$OUT'"
}

expect_err_contains() {
  [[ $ERR == *"$1"* ]] || fail "expected stderr to contain '$1'"
}

expect_one_line_error() {
  local lines
  lines=$(printf '%s\n' "$ERR" | grep -c '')
  [[ $lines == 1 ]] || fail "expected exactly one line on stderr, got $lines"
  [[ $ERR == "ocimake-sandbox: "* ]] ||
    fail "expected the error to start with 'ocimake-sandbox: '"
}

# --- Set-up ------------------------------------------------------------------

cleanup() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  [[ -n $T ]] && rm -rf "$T"
}
trap cleanup EXIT

require_root() {
  [[ $(id -u) == 0 ]] ||
    fail "this case switches to uid 65534 with setpriv and must run as root"
}

ensure_packages() {
  local missing=()
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null |
    grep -q 'install ok installed' || missing+=(busybox-static)
  command -v setpriv >/dev/null || missing+=(util-linux)
  command -v pgrep >/dev/null || missing+=(procps)
  command -v perl >/dev/null || missing+=(perl-base)
  [[ ${#missing[@]} == 0 ]] && return
  [[ $(id -u) == 0 ]] ||
    fail "needs: apt-get install -y ${missing[*]} (run as root to do it)"
  local log=/tmp/ocimake-sandbox-test-apt.log
  (
    flock 9
    apt-get install -y -qq "${missing[@]}" ||
      { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
  ) 9>/tmp/ocimake-sandbox-test-apt.lock >"$log" 2>&1 ||
    fail "apt-get install ${missing[*]} failed; see $log"
}

# A world-readable rootfs with static busybox and its applets in /bin.
make_rootfs() {
  T=$(mktemp -d /tmp/ocimake-sandbox-test.XXXXXX) || fail "mktemp failed"
  chmod 755 "$T"
  ROOTFS=$T/rootfs
  mkdir -p "$ROOTFS"/{bin,usr/bin,etc,proc,dev,tmp,root}
  cp /bin/busybox "$ROOTFS/bin/busybox"
  local applet
  for applet in sh cat ls touch id sleep grep echo env mount hostname pwd \
                ps wc nc kill test mkdir rm printf true false head tr sort \
                stat readlink ifconfig; do
    ln -s busybox "$ROOTFS/bin/$applet"
  done
  chmod -R a+rX "$ROOTFS"
  # A copy anyone can execute, for the unprivileged cases.
  cp "$SANDBOX" "$T/ocimake-sandbox"
  chmod 755 "$T/ocimake-sandbox"
}

# A fresh directory $T/NAME with mode MODE.
make_dir() {
  mkdir -p "$T/$1" && chmod "$2" "$T/$1"
}

# --- Running -----------------------------------------------------------------

run() {
  LAST_COMMAND="$*"
  "$@" >"$T/.out" 2>"$T/.err" </dev/null
  RC=$?
  OUT=$(cat "$T/.out")
  ERR=$(cat "$T/.err")
}

sandbox() {
  run "$SANDBOX" --rootfs "$ROOTFS" "$@"
}

nobody_sandbox() {
  run "${NOBODY[@]}" "$T/ocimake-sandbox" --rootfs "$ROOTFS" "$@"
}

# Whether uid 65534 may create a user namespace on this kernel.
unprivileged_userns_works() {
  "${NOBODY[@]}" unshare --user true >/dev/null 2>&1
}

# A number no other process on the machine has in its command line.
unique_number() {
  printf '%d%05d' $((RANDOM % 9000 + 1000)) $(($$ % 100000))
}

# Waits up to 5 s for FILE to exist.
wait_for_file() {
  local _
  for _ in $(seq 50); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  return 1
}

# Waits up to SECONDS for no process to match PATTERN (pgrep -f).
wait_no_process() {
  local _
  for _ in $(seq $(($2 * 10))); do
    pgrep -f "$1" >/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# Waits up to SECONDS for background PID to exit and sets RC to its status;
# kills it and fails if it does not.
wait_or_kill() {
  local _
  for _ in $(seq $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1"
    fail "ocimake-sandbox (pid $1) did not exit within $2 s"
  fi
  wait "$1"
  RC=$?
}

# Starts a TCP listener on 127.0.0.1 (ephemeral port) that saves the first
# line it receives in $T/received. Sets PORT.
start_listener() {
  perl -MIO::Socket::INET -e '
    my ($port_file, $received) = @ARGV;
    my $server = IO::Socket::INET->new(
        LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5,
        ReuseAddr => 1) or die "listen: $!";
    open(my $out, ">", "$port_file.new") or die; print $out $server->sockport;
    close $out; rename("$port_file.new", $port_file);
    $SIG{ALRM} = sub { exit 3 }; alarm 30;
    my $client = $server->accept or exit 2;
    my $line = <$client>;
    open(my $saved, ">", $received) or die; print $saved $line; close $saved;
    close $client;' "$T/port" "$T/received" &
  BACKGROUND_PIDS+=("$!")
  wait_for_file "$T/port" || fail "the host TCP listener did not start"
  PORT=$(cat "$T/port")
}

interfaces() {
  awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' '
}

# --- Cases -------------------------------------------------------------------

case_usage_error_unknown_option() {
  sandbox --bogus-option -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "--bogus-option"
}

case_usage_error_missing_rootfs() {
  run "$SANDBOX" --rootfs "$T/no-such-rootfs" -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "$T/no-such-rootfs"
  expect_err_contains "No such file or directory"
  run "$SANDBOX" -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "--rootfs"
}

case_usage_error_missing_command() {
  sandbox
  expect_status 2
  expect_one_line_error
  sandbox --bind "$T/nope" /x -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "$T/nope"
  sandbox --tmpfs relative/path -- true
  expect_status 2
  expect_one_line_error
  sandbox --uid -5 -- true
  expect_status 2
  expect_one_line_error
}

case_help_exits_zero() {
  run "$SANDBOX" --help
  expect_status 0
  local option
  for option in --rootfs --bind --ro-bind --tmpfs --chdir --setenv \
                --share-net --hostname --uid --gid; do
    [[ $OUT == *"$option"* ]] || fail "--help does not mention $option"
  done
}

case_exit_code_is_passed_through() {
  sandbox -- sh -c 'exit 42'
  expect_status 42
  sandbox -- true
  expect_status 0
  sandbox -- false
  expect_status 1
}

case_signal_is_passed_through() {
  sandbox -- sh -c 'kill -9 $$'
  expect_status 137
  sandbox -- sh -c 'kill -TERM $$'
  expect_status 143
}

case_command_not_found_is_127() {
  sandbox -- /bin/no-such-command
  expect_status 127
  expect_one_line_error
  expect_err_contains "no-such-command"
  sandbox -- no-such-command-on-path
  expect_status 127
}

case_not_executable_is_126() {
  printf 'data\n' >"$ROOTFS/bin/not-executable"
  chmod 644 "$ROOTFS/bin/not-executable"
  sandbox -- /bin/not-executable
  expect_status 126
  expect_one_line_error
  expect_err_contains "Permission denied"
}

case_pid1_is_init_and_reaps_zombies() {
  sandbox -- sh -c 'echo $$; cat /proc/1/comm'
  expect_status 0
  expect_out $'2\nocimake-sandbox'
  # The subshell exits at once, orphaning "sleep 0.2" to pid 1; after it
  # exits, only pid 1 can reap it. A process in state Z is an unreaped one.
  sandbox -- sh -c '(sleep 0.2 &); sleep 1.5; cat /proc/[0-9]*/stat'
  expect_status 0
  [[ $OUT == *"(ocimake-sandbox)"* ]] || fail "pid 1 missing from /proc"
  if grep -q ') Z ' <<<"$OUT"; then fail "a zombie was left unreaped"; fi
}

case_proc_shows_only_sandbox_processes() {
  sandbox -- ls /proc
  expect_status 0
  local pids
  pids=$(grep -E '^[0-9]+$' <<<"$OUT" | sort -n | tr '\n' ' ')
  [[ $pids == "1 2 " ]] || fail "expected pids 1 2 in /proc, got '$pids'"
}

case_host_paths_outside_binds_are_invisible() {
  echo secret >"$T/host-marker"
  sandbox -- sh -c "cat '$T/host-marker'; ls /; ls -d /oldroot /newroot"
  [[ $OUT != *secret* ]] || fail "a host file outside the binds was readable"
  [[ $ERR == *"$T/host-marker"*"No such file"* ]] ||
    fail "expected 'No such file' for the host marker"
  local expected
  expected=$(ls "$ROOTFS")
  [[ $OUT == "$expected" ]] ||
    fail "/ inside is not the rootfs: expected '$expected'"
}

case_rootfs_is_read_only() {
  sandbox -- sh -c 'touch /x; touch /usr/x; touch /bin/x; echo y > /etc/y'
  expect_status 1
  [[ $(grep -c 'Read-only file system' <<<"$ERR") == 4 ]] ||
    fail "expected 4 'Read-only file system' errors"
  [[ ! -e $ROOTFS/x && ! -e $ROOTFS/usr/x && ! -e $ROOTFS/bin/x &&
     ! -e $ROOTFS/etc/y ]] || fail "a write reached the host's rootfs"
}

case_caps_are_dropped_so_rootfs_cannot_be_remounted() {
  sandbox -- sh -c 'mount -o remount,rw /; touch /x'
  [[ $RC != 0 ]] || fail "remounting / read-write and writing worked"
  [[ ! -e $ROOTFS/x ]] || fail "a write reached the host's rootfs"
  sandbox -- grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status
  expect_status 0
  local line
  while read -r line; do
    [[ $line == *0000000000000000 ]] || fail "capabilities left: $line"
  done <<<"$OUT"
}

case_ro_bind_cannot_be_written() {
  make_dir ro 777
  echo original >"$T/ro/existing"
  chmod 666 "$T/ro/existing"
  sandbox --ro-bind "$T/ro" /ro -- \
      sh -c 'cat /ro/existing; echo x >> /ro/existing; echo x > /ro/new'
  expect_status 1
  expect_out original
  [[ $(grep -c 'Read-only file system' <<<"$ERR") == 2 ]] ||
    fail "expected 2 'Read-only file system' errors"
  [[ $(cat "$T/ro/existing") == original && ! -e $T/ro/new ]] ||
    fail "a write through --ro-bind reached the host"
}

case_rw_bind_is_writable() {
  make_dir rw 755
  sandbox --bind "$T/rw" /data -- sh -c 'echo written > /data/file'
  expect_status 0
  [[ $(cat "$T/rw/file" 2>/dev/null) == written ]] ||
    fail "the write did not appear on the host"
  echo host-file >"$T/host-file"
  sandbox --bind "$T/host-file" /etc/bound-file -- \
      sh -c 'cat /etc/bound-file; echo changed > /etc/bound-file'
  expect_status 0
  expect_out host-file
  [[ $(cat "$T/host-file") == changed ]] || fail "file bind was not writable"
}

case_tmp_is_writable() {
  local name
  name=ocimake-sandbox-tmp-$(unique_number)
  sandbox -- sh -c "echo x > /tmp/$name && cat /tmp/$name && \
                    grep ' /tmp tmpfs' /proc/mounts"
  expect_status 0
  [[ $OUT == x$'\n'*"/tmp tmpfs"* ]] || fail "/tmp is not a writable tmpfs"
  [[ ! -e /tmp/$name && ! -e $ROOTFS/tmp/$name ]] ||
    fail "a file written to /tmp inside appeared on the host"
}

case_tmpfs_is_writable_by_uid() {
  sandbox --tmpfs /scratch --uid 1000 --gid 1000 -- \
      sh -c 'umask 022; touch /scratch/a &&
             stat -c "%u:%g %a" /scratch /scratch/a'
  expect_status 0
  expect_out $'1000:1000 755\n1000:1000 644'
}

case_overlay_is_a_private_writable_copy() {
  mkdir -p "$ROOTFS/var/lib/app" && echo seed >"$ROOTFS/var/lib/app/seed"
  chmod 0750 "$ROOTFS/var/lib/app"
  sandbox --overlay /var/lib/app --uid 1000 --gid 1000 -- \
      sh -c 'cat /var/lib/app/seed && echo new >/var/lib/app/new && cat /var/lib/app/new &&
             rm /var/lib/app/seed && ls /var/lib/app &&
             stat -c "%u:%g %a" /var/lib/app; touch /var/lib/x 2>&1 || true'
  expect_status 0
  expect_out $'seed\nnew\nnew\n1000:1000 750\ntouch: /var/lib/x: Read-only file system'
  [[ $(cat "$ROOTFS/var/lib/app/seed") == seed && ! -e $ROOTFS/var/lib/app/new ]] ||
    fail "the overlay's changes reached the rootfs"
}

case_dev_is_minimal() {
  sandbox -- sh -c 'ls /dev; echo x > /dev/null; head -c 4 /dev/zero | wc -c;
                    echo y > /dev/shm/y && cat /dev/shm/y; readlink /dev/fd'
  expect_status 0
  expect_out "$(printf '%s\n' fd full null random shm stderr stdin stdout tty \
                urandom zero 4 y /proc/self/fd)"
  sandbox -- touch /dev/new-node
  [[ $RC != 0 ]] || fail "/dev is writable"
}

case_missing_mount_points_leave_rootfs_untouched() {
  # No /proc, /tmp or /usr/lib in this rootfs, and symlinks (relative and
  # absolute) leading into it: /, /usr and the new /new are shadowed, and the
  # absolute symlink must resolve inside the rootfs, never on the host.
  rmdir "$ROOTFS/proc" "$ROOTFS/tmp"
  ln -s usr "$ROOTFS/relative-usr"
  ln -s /usr "$ROOTFS/absolute-usr"
  make_dir rw 755
  make_dir ro 755
  echo ro-data >"$T/ro/file"
  local before after
  before=$(cd "$ROOTFS" && find . -printf '%p %y %m %T@\n' | sort)
  sandbox --bind "$T/rw" /new/deep/rw --ro-bind "$T/ro" /relative-usr/lib/ro \
      --ro-bind "$T/ro/file" /absolute-usr/lib-from-absolute-link/file \
      --chdir /work/dir -- \
      sh -c 'pwd; echo w > /new/deep/rw/f; cat /usr/lib/ro/file;
             cat /usr/lib-from-absolute-link/file;
             test -x /bin/busybox -a -d /usr/bin -a -d /proc/1 -a -d /tmp &&
             echo kept; touch /x /new/y'
  expect_status 1
  expect_out $'/work/dir\nro-data\nro-data\nkept'
  [[ $(grep -c 'Read-only file system' <<<"$ERR") == 2 ]] ||
    fail "the shadowed / or /new is writable"
  [[ $(cat "$T/rw/f") == w ]] || fail "the bind at a new mount point failed"
  [[ ! -e /usr/lib-from-absolute-link ]] ||
    fail "an absolute symlink in the rootfs led to the host's /usr"
  after=$(cd "$ROOTFS" && find . -printf '%p %y %m %T@\n' | sort)
  [[ $before == "$after" ]] ||
    fail "the rootfs changed: $(diff <(echo "$before") <(echo "$after"))"
}

case_nested_mounts_are_ordered_parent_first() {
  make_dir outer 755
  make_dir inner 755
  echo inner >"$T/inner/file"
  echo outer >"$T/outer/file"
  # The child is given first, yet must end up on top of its parent; for the
  # same destination the later option wins.
  sandbox --ro-bind "$T/inner" /x/y --ro-bind "$T/outer" /x \
      --tmpfs /z --ro-bind "$T/outer" /z -- \
      sh -c 'cat /x/y/file /x/file /z/file'
  expect_status 0
  expect_out $'inner\nouter\nouter'
  # /x/y is made on a shadow of the read-only /x, not in the host directory.
  [[ ! -e $T/outer/y ]] || fail "a mount point was created in a --ro-bind SRC"
}

case_dangling_symlink_mount_point_is_an_error() {
  ln -s /nowhere "$ROOTFS/dangling"
  make_dir rw 755
  sandbox --bind "$T/rw" /dangling/rw -- true
  expect_status 125
  expect_one_line_error
  expect_err_contains "/dangling"
}

case_chdir_is_honoured() {
  make_dir work 755
  sandbox --bind "$T/work" /work --chdir /work -- pwd
  expect_status 0
  expect_out /work
  sandbox --chdir /bin/busybox -- pwd
  expect_status 125
  expect_one_line_error
  expect_err_contains 'chdir("/bin/busybox")'
}

case_hostname_is_set() {
  local host_name
  host_name=$(hostname)
  sandbox -- hostname
  expect_out ocimake
  sandbox --hostname builder-7 -- hostname
  expect_out builder-7
  [[ $(hostname) == "$host_name" ]] || fail "the host's name changed"
}

case_uid_and_gid_are_honoured() {
  require_root
  make_dir rw 777
  sandbox --uid 1000 --gid 2000 --bind "$T/rw" /rw -- \
      sh -c 'id -u; id -g; id -G; touch /rw/f'
  expect_status 0
  expect_out $'1000\n2000\n2000'
  [[ $(stat -c %u:%g "$T/rw/f") == 1000:2000 ]] ||
    fail "file created inside is not owned by 1000:2000 on the host"
}

case_no_network_by_default() {
  start_listener
  sandbox -- sh -c "cat /proc/net/dev; echo hello | nc -w 3 127.0.0.1 $PORT"
  [[ $RC != 0 ]] || fail "connected to the host's 127.0.0.1:$PORT"
  [[ $(interfaces <<<"$OUT") == "lo " ]] ||
    fail "expected only lo, got '$(interfaces <<<"$OUT")'"
  # "refused" (not "unreachable") shows lo is up, with nobody listening.
  expect_err_contains "Connection refused"
  [[ ! -s $T/received ]] || fail "the host listener received data"
}

case_share_net_sees_host_network() {
  start_listener
  sandbox --share-net -- \
      sh -c "cat /proc/net/dev >&2; echo hello | nc -w 3 127.0.0.1 $PORT"
  expect_status 0
  local host inside
  host=$(interfaces </proc/net/dev)
  inside=$(interfaces <<<"$ERR")
  [[ $host == "$inside" ]] || fail "interfaces: host '$host', inside '$inside'"
  wait_for_file "$T/received" || fail "the host listener received nothing"
  [[ $(cat "$T/received") == hello ]] || fail "the host listener got garbage"
}

# --forward-tcp: 127.0.0.1:PORT inside reaches a host Unix socket bound in,
# both ways; the namespace still has only lo; bad uses are usage errors.
case_forward_tcp_reaches_one_unix_socket() {
  perl -MIO::Socket::UNIX -e '
    my ($path, $received) = @ARGV;
    my $server = IO::Socket::UNIX->new(Local => "$path.new", Listen => 5)
        or die "listen: $!";
    rename("$path.new", $path);
    $SIG{ALRM} = sub { exit 3 }; alarm 30;
    my $client = $server->accept or exit 2;
    my $line = <$client>;
    print $client "reply to $line";
    open(my $saved, ">", $received) or die; print $saved $line; close $saved;
    close $client;' "$T/host.sock" "$T/received" &
  BACKGROUND_PIDS+=("$!")
  wait_for_file "$T/host.sock" || fail "the host Unix listener did not start"
  sandbox --bind "$T/host.sock" /run/relay.sock \
      --forward-tcp 8080 /run/relay.sock -- \
      sh -c 'cat /proc/net/dev >&2; echo hello | nc -w 3 127.0.0.1 8080'
  expect_status 0
  expect_out "reply to hello"
  [[ $(interfaces <<<"$ERR") == "lo " ]] ||
    fail "expected only lo, got '$(interfaces <<<"$ERR")'"
  [[ $(cat "$T/received") == hello ]] || fail "the host listener got '$(cat "$T/received")'"
  sandbox --share-net --forward-tcp 8080 /run/relay.sock -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "--forward-tcp: one at most, and not with --share-net"
  sandbox --forward-tcp 0 /run/relay.sock -- true
  expect_status 2
  expect_one_line_error
  expect_err_contains "--forward-tcp: port '0' must be a number from 1 to 65535"
}

case_environment_is_cleared() {
  OCIMAKE_SANDBOX_TEST_SECRET=leak sandbox -- env
  expect_status 0
  expect_out "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  sandbox --setenv FOO 'bar baz' --setenv FLAGS -O2 --setenv PATH /bin -- env
  expect_status 0
  [[ $(sort <<<"$OUT") == $'FLAGS=-O2\nFOO=bar baz\nPATH=/bin' ]] ||
    fail "--setenv did not set exactly FOO, FLAGS and PATH"
}

case_daemon_left_behind_dies() {
  make_dir rw 777
  local n
  n=$(unique_number)
  "$SANDBOX" --rootfs "$ROOTFS" --bind "$T/rw" /rw -- \
      sh -c "sleep $n & touch /rw/started; sleep 1" &
  local sandbox_pid=$!
  BACKGROUND_PIDS+=("$sandbox_pid")
  wait_for_file "$T/rw/started" || fail "the command did not start"
  pgrep -f "^sleep $n\$" >/dev/null || fail "the daemon did not start"
  LAST_COMMAND="ocimake-sandbox ... sh -c 'sleep $n & ...'"
  wait_or_kill "$sandbox_pid" 10
  expect_status 0
  # The kernel kills the namespace before pid 1's exit is reported.
  wait_no_process "^sleep $n\$" 1 ||
    fail "'sleep $n' outlived the sandbox: $(pgrep -af "^sleep $n\$")"
}

case_killed_sandbox_kills_children() {
  local n
  n=$(unique_number)
  "$SANDBOX" --rootfs "$ROOTFS" -- sleep "$n" &
  local sandbox_pid=$!
  BACKGROUND_PIDS+=("$sandbox_pid")
  local _
  for _ in $(seq 50); do
    pgrep -f "^sleep $n\$" >/dev/null && break
    sleep 0.1
  done
  pgrep -f "^sleep $n\$" >/dev/null || fail "the command did not start"
  kill -9 "$sandbox_pid"
  wait_no_process "^sleep $n\$" 3 ||
    fail "'sleep $n' outlived the killed sandbox: $(pgrep -af "^sleep $n\$")"
}

# Sends SIGNAL to a sandbox whose command traps it and exits with CODE.
check_forwarded() {
  local signal=$1 code=$2
  rm -f "$T/rw/ready" "$T/rw/got"
  "$SANDBOX" --rootfs "$ROOTFS" --bind "$T/rw" /rw -- sh -c "
      trap 'echo $signal > /rw/got; exit $code' $signal
      touch /rw/ready
      while true; do sleep 0.1; done" &
  local sandbox_pid=$!
  BACKGROUND_PIDS+=("$sandbox_pid")
  wait_for_file "$T/rw/ready" || fail "the command did not start"
  kill -"$signal" "$sandbox_pid"
  LAST_COMMAND="kill -$signal ocimake-sandbox"
  wait_or_kill "$sandbox_pid" 10
  expect_status "$code"
  [[ $(cat "$T/rw/got" 2>/dev/null) == "$signal" ]] ||
    fail "the command's $signal trap did not run"
}

case_sigterm_is_forwarded() {
  make_dir rw 777
  check_forwarded TERM 7
  check_forwarded INT 8
  check_forwarded HUP 9
}

case_inherited_fds_are_closed() {
  exec 7</dev/null 8>"$T/fd8"
  sandbox -- ls /proc/self/fd
  exec 7<&- 8>&-
  expect_status 0
  # ls itself holds one descriptor (3) on the directory it lists.
  expect_out $'0\n1\n2\n3'
}

case_no_new_privs() {
  sandbox -- grep NoNewPrivs /proc/self/status
  expect_status 0
  expect_out $'NoNewPrivs:\t1'
}

case_setuid_helper_gains_nothing() {
  require_root
  [[ -x $SUID_PROBE ]] || fail "needs the suid_probe helper as third argument"
  mkdir "$T/probe"
  cp "$SUID_PROBE" "$T/probe/suid_probe"
  cp "$SUID_PROBE" "$ROOTFS/bin/suid_probe"
  chown root:root "$T/probe/suid_probe" "$ROOTFS/bin/suid_probe"
  chmod 4755 "$T/probe/suid_probe" "$ROOTFS/bin/suid_probe"
  chmod 755 "$T/probe"
  : >"$T/secret"
  chmod 600 "$T/secret"
  # Control: outside the sandbox the probe does gain root and can write.
  run "${NOBODY[@]}" "$T/probe/suid_probe" "$T/secret"
  [[ $RC == 0 && $OUT == 0 ]] ||
    fail "control: the setuid probe did not gain root outside the sandbox"
  : >"$T/secret"
  # Root caller running the command as 1000, then an unprivileged caller.
  sandbox --uid 1000 --gid 1000 --bind "$T/secret" /secret -- \
      /bin/suid_probe /secret
  expect_status 1
  expect_out 1000
  expect_err_contains "Permission denied"
  nobody_sandbox --uid 1000 --gid 1000 --bind "$T/secret" /secret -- \
      /bin/suid_probe /secret
  expect_status 1
  expect_out 1000
  [[ ! -s $T/secret ]] || fail "the root-only file was written"
}

case_works_unprivileged() {
  require_root
  if unprivileged_userns_works; then
    nobody_sandbox -- sh -c 'echo hello; id -u'
    expect_status 0
    expect_out $'hello\n0'
  else
    nobody_sandbox -- echo hello
    expect_status 125
    expect_one_line_error
    expect_err_contains "user.max_user_namespaces"
  fi
}

case_unprivileged_mounts_and_ids() {
  require_root
  if ! unprivileged_userns_works; then
    nobody_sandbox -- true
    expect_status 125
    expect_one_line_error
    expect_err_contains "user.max_user_namespaces"
    return
  fi
  make_dir rw 777
  make_dir ro 755
  echo ro-data >"$T/ro/file"
  nobody_sandbox --uid 1000 --gid 1000 --bind "$T/rw" /new/rw \
      --ro-bind "$T/ro" /ro --tmpfs /scratch -- \
      sh -c 'id -u; id -g; cat /ro/file; echo w > /new/rw/f;
             touch /scratch/s && echo scratch; touch /ro/x /x'
  expect_status 1
  expect_out $'1000\n1000\nro-data\nscratch'
  [[ $(grep -c 'Read-only file system' <<<"$ERR") == 2 ]] ||
    fail "expected --ro-bind and / to be read-only"
  [[ $(stat -c %u "$T/rw/f") == 65534 ]] ||
    fail "a file written inside is not owned by the caller (65534) on the host"
  [[ ! -e $ROOTFS/new && ! -e $ROOTFS/ro ]] || fail "the rootfs was written to"
}

# Provokes the refusal without touching the machine's own limit: in a user
# namespace of our own, user.max_user_namespaces is set to 0, which caps every
# namespace below it; uid 65534 then runs the sandbox there.
case_kernel_refusal_message() {
  require_root
  rm -f "$T/mapped"
  local inner="echo 0 > /proc/sys/user/max_user_namespaces || exit 99
      exec ${NOBODY[*]} $T/ocimake-sandbox --rootfs $ROOTFS -- true"
  LAST_COMMAND="(user.max_user_namespaces=0) ocimake-sandbox ... -- true"
  unshare --user sh -c "
      while [ ! -e $T/mapped ]; do sleep 0.05; done
      exec sh -c '$inner'" >"$T/.out" 2>"$T/.err" &
  local pid=$!
  BACKGROUND_PIDS+=("$pid")
  sleep 0.2
  if ! echo "0 0 65536" >"/proc/$pid/uid_map" ||
     ! echo "0 0 65536" >"/proc/$pid/gid_map"; then
    fail "could not map ids into a test user namespace"
  fi
  touch "$T/mapped"
  wait "$pid"
  RC=$?
  OUT=$(cat "$T/.out")
  ERR=$(cat "$T/.err")
  [[ $RC != 99 ]] || fail "could not lower user.max_user_namespaces"
  expect_status 125
  expect_one_line_error
  expect_err_contains "clone(CLONE_NEWUSER"
  expect_err_contains "user.max_user_namespaces (is 0, needs > 0)"
  [[ $(cat /proc/sys/user/max_user_namespaces) != 0 ]] ||
    fail "the machine's own user.max_user_namespaces changed"
}

# --- Main --------------------------------------------------------------------

[[ -x $SANDBOX ]] || fail "$SANDBOX is not an executable"
declare -F "case_$CASE" >/dev/null || fail "no such case: $CASE"
ensure_packages
make_rootfs
"case_$CASE"
echo "PASS sandbox.$CASE"
