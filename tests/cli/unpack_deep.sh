# Deep trees (issue 14 item 5): a 2000-deep directory chain and a path longer
# than PATH_MAX unpack in time linear in the depth (the unpacker opens one component at a time
# from the previous entry's open directories), a whiteout deep in the chain
# applies, and a deep symlink or '..' still cannot reach outside the root.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mk() { python3 "$OCIMAKE_TESTS_DIR/cli/make_deep_tar.py" "$@"; }
layout() { python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$@"; }
mk "$T/1.tar" chain 2000
mk "$T/2.tar" long 100 50          # 5100 bytes of path: > PATH_MAX (4096)
mk "$T/3.tar" escape 1200          # d^1200/up -> ../ x 1205, then up/escaped
mk "$T/4.tar" whiteout 1800        # cuts the chain below depth 1800
layout "$T/img" "$T/1.tar" "$T/2.tar" "$T/3.tar" "$T/4.tar"
snapshot() { find "$T" \( -path "$T/out" -o -path "$T/strace.txt" \) -prune -o -print | sort; }
before=$(snapshot)
# Linear, not quadratic, in the depth: counted in system calls, not
# seconds (the machine may be loaded). One open per new component (a
# re-resolve of each path from the root would need about 2,000,000 for the
# chain alone).
need strace strace
strace -f -c -o "$T/strace.txt" -e trace=openat,openat2 "$OCIMAKE" unpack "$T/img" "$T/out"
opens=$(awk '$NF ~ /^openat2?$/ { n += $4 } END { print n + 0 }' "$T/strace.txt")
note "unpacked with $opens openat/openat2 calls"
[ "$opens" -gt 0 ] && [ "$opens" -le 20000 ] ||
  fail "unpack of a 2000-deep chain made $opens openat calls (expected about one per directory)"
# Checked with one openat() per component: the paths are too long for open().
python3 - "$T/out" <<'PY'
import os, sys
root = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
def walk(parts):
    fd = os.dup(root)
    for p in parts:
        try:
            nxt = os.open(p, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        finally:
            os.close(fd)
        fd = nxt
    return fd
def read(parts, name):
    fd = walk(parts)
    try:
        f = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd)
        return os.read(f, 100).decode()
    finally:
        os.close(fd)
def fail(msg):
    sys.exit("FAIL: " + msg)
if read(["d"] * 1000, "mid") != "middle": fail("mid at depth 1000")
fd = walk(["d"] * 1800)
if os.listdir(fd): fail("the whiteout at depth 1800 left %s" % os.listdir(fd))
os.close(fd)
long_parts = [chr(ord("a") + k % 26) * 50 for k in range(100)]
if read(long_parts, "end") != "the end": fail("the file at the end of 5100 bytes of path")
if read([], "escaped") != "inside": fail("the write through the deep ../ symlink")
fd = walk(["d"] * 1200)
if not os.path.islink("/proc/self/fd/%d/up" % fd): fail("the deep symlink")
print("ok: contents at depth 1000, 1800 (whiteout), 5100 bytes of path, deep symlink")
PY
assert_eq "$before" "$(snapshot)" "files outside the target"
# The same chain with the bottom file at depth 2000 (the last layer cut it).
mk "$T/5.tar" chain 2000
layout "$T/img5" "$T/5.tar"
"$OCIMAKE" unpack "$T/img5" "$T/out5"
python3 - "$T/out5" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for _ in range(2000):
    nxt = os.open("d", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
    os.close(fd)
    fd = nxt
f = os.open("bottom", os.O_RDONLY, dir_fd=fd)
assert os.read(f, 100) == b"bottom of 2000", "the bottom file"
PY
# '..' deep in a path is refused, nothing written.
mk "$T/6.tar" dotdot 1200
layout "$T/img6" "$T/6.tar"
expect_failure out "$OCIMAKE" unpack "$T/img6" "$T/out6"
assert_one_line "$out"; assert_contains "$out" "'..' is not allowed"
[ ! -e "$T/out6" ] || fail "a partial rootfs was left behind"
echo "ok: deep chains unpacked with $opens open calls"
