# Hostile layers: nothing is written outside the target directory, and each
# refusal is one clear line. usage: unpack_hostile.sh CASE
. "$OCIMAKE_TESTS_DIR/lib.sh"
mk() { python3 "$OCIMAKE_TESTS_DIR/cli/make_tar.py" "$@"; }
layout() { python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/img" "$@"; }
victim="$T/victim"; mkdir -p "$victim"; echo original >"$victim/file"
# The test directory sits at a known depth: '..' entries would aim here.
snapshot() { find "$T" -path "$T/out" -prune -o -path "$T/img" -prune -o -name '*.tar*' -prune -o -print | sort; }
before=$(snapshot)
case $1 in
  dotdot)
    mk "$T/l.tar" f:../pwned:x f:../victim/file:overwritten
    layout "$T/l.tar"
    expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_one_line "$out"; assert_contains "$out" "'..' is not allowed"
    [ ! -e "$T/out" ] || fail "a partial rootfs was left behind" ;;
  absolute_name)
    mk "$T/l.tar" "f:$victim/file:overwritten" f:/etc/passwd:fake
    layout "$T/l.tar"
    "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_eq fake "$(cat "$T/out/etc/passwd")" "absolute name lands inside"
    assert_eq overwritten "$(cat "$T/out$victim/file")" ;;
  symlink_escape)
    mk "$T/l.tar" l:localetc:/etc f:localetc/ocimake-test-x:inside l:up:../../../../.. \
      "f:up$victim/file:overwritten" l:victimlink:"$victim/file" f:victimlink:replaced
    layout "$T/l.tar"
    "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_eq inside "$(cat "$T/out/etc/ocimake-test-x")" "write through /etc link"
    [ ! -e /etc/ocimake-test-x ] || fail "wrote into the host's /etc"
    assert_eq overwritten "$(cat "$T/out$victim/file")" "write through ../ link"
    [ ! -L "$T/out/victimlink" ] && [ "$(cat "$T/out/victimlink")" = replaced ] ||
      fail "a file over a symlink replaces the link" ;;
  hardlink_escape)
    mk "$T/l.tar" h:shadow:/etc/shadow
    layout "$T/l.tar"
    expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_one_line "$out"; assert_contains "$out" "hardlink target /etc/shadow" ;;
  legit_absolute_hardlink)
    mk "$T/l.tar" d:usr d:usr/bin f:usr/bin/b:tool h:usr/bin/a:/usr/bin/b
    layout "$T/l.tar"
    "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_eq "$(stat -c %i "$T/out/usr/bin/b")" "$(stat -c %i "$T/out/usr/bin/a")" "hardlink" ;;
  malformed_whiteouts)
    for wh in ".wh." ".wh.." "etc/.wh.." ".wh..wh.x"; do
      mk "$T/1.tar" d:etc f:etc/keep:1 f:keep:2
      mk "$T/2.tar" "f:$wh:"
      rm -rf "$T/img"; layout "$T/1.tar" "$T/2.tar"
      expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out"
      assert_one_line "$out"; assert_contains "$out" "invalid whiteout"
      [ ! -e "$T/out" ] || fail "partial rootfs after $wh"
    done ;;
  device_and_setuid)
    mk "$T/l.tar" c:dev/null-copy s:usr/bin/su-copy
    layout "$T/l.tar"
    "$OCIMAKE" unpack "$T/img" "$T/out"
    [ ! -e "$T/out/dev/null-copy" ] || fail "a device node was created"
    assert_eq 755 "$(stat -c %a "$T/out/usr/bin/su-copy")" "setuid bit dropped" ;;
  inflate_limit)
    mk "$T/l.tar.gz" z:big:50000000
    layout "$T/l.tar.gz"
    [ "$(stat -c %s "$T/l.tar.gz")" -lt 200000 ] || fail "the bomb is not small"
    expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out" --max-bytes 10000000
    assert_one_line "$out"; assert_contains "$out" "more than the limit of 10000000 bytes"
    [ ! -e "$T/out" ] || fail "partial rootfs left behind"
    [ -z "$(ls -A "$T" | grep '^\.unpack-')" ] || fail "temp dir left behind" ;;
  sparse_logical_size)
    # A 50 MB file of one hole: 10 KiB of tar, counted at its logical size.
    truncate -s 50000000 "$T/holes" && printf end >>"$T/holes"
    tar --sparse --format=pax -C "$T" -cf "$T/l.tar" holes && rm "$T/holes"
    [ "$(stat -c %s "$T/l.tar")" -lt 100000 ] || fail "the sparse tar is not small"
    layout "$T/l.tar"
    expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out" --max-bytes 10000000
    assert_one_line "$out"; assert_contains "$out" "more than the limit of 10000000 bytes"
    [ ! -e "$T/out" ] || fail "partial rootfs left behind" ;;
  sparse_map_beyond_size)
    # A GNU sparse 1.0 entry whose map puts data 2 GB past the 10 bytes it
    # declares: at most those 10 bytes are written, never 2 GB of zeros.
    python3 - "$T/l.tar" <<'PY'
import io, sys, tarfile
data = b"1\n2000000000\n4\n".ljust(512, b"\0") + b"evil".ljust(512, b"\0")
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo("GNUSparseFile.0/big")
    i.size = len(data)
    i.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0",
                     "GNU.sparse.name": "big", "GNU.sparse.realsize": "10"}
    t.addfile(i, io.BytesIO(data))
PY
    layout "$T/l.tar"
    if out=$("$OCIMAKE" unpack "$T/img" "$T/out" 2>&1); then
      assert_eq 10 "$(stat -c %s "$T/out/big")" "the sparse entry's size"
      [ "$(du -k "$T/out/big" | cut -f1)" -lt 100 ] || fail "zeros were written past the entry's size"
    else
      assert_one_line "$out"; assert_contains "$out" "outside its size of 10 bytes"
    fi ;;
  control_characters)
    # A refusal quotes the hostile name with its control characters escaped.
    mk "$T/l.tar" "f:../$(printf '\033')[2Jx:y"
    layout "$T/l.tar"
    expect_failure out "$OCIMAKE" unpack "$T/img" "$T/out"
    assert_one_line "$out"; assert_contains "$out" '\x1b[2Jx' "the escaped name"
    case $out in *"$(printf '\033')"*) fail "a raw ESC reached the terminal: $out" ;; esac ;;
  *) fail "unknown case $1" ;;
esac
assert_eq original "$(cat "$victim/file")" "the victim file outside the root"
assert_eq "$before" "$(snapshot)" "files outside the target"
echo "ok: $1"
