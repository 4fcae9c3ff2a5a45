# What a killed writer leaves (a blob half written into a layout, an
# index.json never renamed, a half-unpacked rootfs) is removed by the next
# writer; what a live process is still writing is never touched, however
# old it looks (each writer holds an flock on its temp: a python3 plays one).
. "$OCIMAKE_TESTS_DIR/lib.sh"
need flock util-linux
python3 "$OCIMAKE_TESTS_DIR/cli/make_tar.py" "$T/l.tar" f:hello:world
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/src" "$T/l.tar"

# debris DIR NAME [dir]: an unlocked temp, last changed two hours ago.
debris() {
  if [ "${3:-}" = dir ]; then mkdir -p "$1/$2/rootfs/usr"; else printf partial >"$1/$2"; fi
  touch -d '2 hours ago' "$1/$2"
}
# live DIR NAME [dir]: the same, but a live process holds its lock.
live() {
  debris "$@"
  python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(120)' "$1/$2" >/dev/null 2>&1 &
  live_pids="${live_pids:-} $!"
  for _ in $(seq 50); do flock -n "$1/$2" true 2>/dev/null || return 0; sleep 0.1; done
  fail "the live writer did not take the lock of $1/$2"
}
trap 'kill $live_pids 2>/dev/null || true' EXIT

note "a layout: dead temps of blobs and index.json go, live and fresh ones stay"
"$OCIMAKE" copy "oci:$T/src" "oci:$T/dst:1" >/dev/null || fail "first copy"
blobs="$T/dst/blobs/sha256"
debris "$blobs" .incoming.tmp-dead01
debris "$T/dst" index.json.tmp-dead02
live "$blobs" .incoming.tmp-live01
printf fresh >"$blobs/.incoming.tmp-fresh1"  # just created, not yet locked
"$OCIMAKE" copy "oci:$T/src" "oci:$T/dst:2" >/dev/null || fail "second copy"
[ ! -e "$blobs/.incoming.tmp-dead01" ] || fail "a dead blob temp was left"
[ ! -e "$T/dst/index.json.tmp-dead02" ] || fail "a dead index.json temp was left"
[ -e "$blobs/.incoming.tmp-live01" ] || fail "a live writer's temp was removed"
[ -e "$blobs/.incoming.tmp-fresh1" ] || fail "a temp younger than a minute was removed"
assert_eq 2 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["manifests"]))' "$T/dst/index.json")" \
  "tags after the second copy"

note "unpack: a killed unpack's directory goes, a live one stays"
mkdir -p "$T/roots"
debris "$T/roots" .unpack-dead03 dir
live "$T/roots" .unpack-live02 dir
"$OCIMAKE" unpack "$T/src" "$T/roots/one" || fail unpack
assert_eq world "$(cat "$T/roots/one/hello")" "the unpacked file"
[ ! -e "$T/roots/.unpack-dead03" ] || fail "a dead unpack directory was left"
[ -d "$T/roots/.unpack-live02/rootfs/usr" ] || fail "a live unpack directory was removed"
assert_eq ".unpack-live02 one" "$(ls -A "$T/roots" | tr '\n' ' ' | sed 's/ $//')" "what is left"
note "inspect of an archive: its scratch in \$TMPDIR, removed; a killed one's removed"
"$OCIMAKE" export "$T/src" --output "$T/img.tar" >/dev/null || fail export
mkdir -p "$T/tmp"
debris "$T/tmp" ocimake-inspect-dead04 dir
TMPDIR="$T/tmp" "$OCIMAKE" inspect "$T/img.tar" >/dev/null || fail "inspect of an archive"
assert_eq "" "$(ls -A "$T/tmp")" "what inspect left in \$TMPDIR"
echo "ok: dead temps removed, live and fresh ones kept"
