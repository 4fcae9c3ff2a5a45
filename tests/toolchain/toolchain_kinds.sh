# Toolchains from ROOTFS, TARBALL and IMAGE: made once into the cache, reused,
# re-made when the input changes; an IMAGE with whiteouts and opaque
# directories unpacks to the tree umoci gives.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
export OCIMAKE_CACHE_DIR="$T/cache"
mk() { python3 "$OCIMAKE_TESTS_DIR/cli/make_tar.py" "$@"; }
mk "$T/1.tar" d:usr d:usr/bin f:usr/bin/cc:compiler d:etc f:etc/old:1 d:opt f:opt/a:1 f:opt/b:2
mk "$T/2.tar" f:etc/.wh.old: f:opt/.wh..wh..opq: f:opt/c:3 l:lib:usr/lib d:usr/lib f:lib/libx.so:x
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/img" "$T/1.tar" "$T/2.tar"

"$OCIMAKE" toolchain --name img --image "$T/img" --output "$T/img.rootfs"
root=$(cat "$T/img.rootfs")
umoci unpack --rootless --image "$T/img:test" "$T/umoci" >/dev/null 2>&1 || fail umoci
diff <(cd "$root" && find . | sort) <(cd "$T/umoci/rootfs" && find . | sort) ||
  fail "toolchain rootfs differs from umoci's tree"
"$OCIMAKE" toolchain --name img --image "$T/img" --output "$T/again.rootfs"
assert_eq "$root" "$(cat "$T/again.rootfs")" "the cached rootfs is reused"

"$OCIMAKE" toolchain --name tar --tarball "$T/1.tar" --output "$T/tar.rootfs"
t1=$(cat "$T/tar.rootfs"); [ -f "$t1/usr/bin/cc" ] || fail "tarball toolchain"
mk "$T/1.tar" d:usr d:usr/bin f:usr/bin/cc:compiler-v2
"$OCIMAKE" toolchain --name tar --tarball "$T/1.tar" --output "$T/tar.rootfs"
assert_ne "$t1" "$(cat "$T/tar.rootfs")" "a changed tarball makes a new entry"
assert_eq compiler-v2 "$(cat "$(cat "$T/tar.rootfs")/usr/bin/cc")"

mkdir -p "$T/dir/bin"
"$OCIMAKE" toolchain --name dir --rootfs "$T/dir" --output "$T/dir.rootfs"
assert_eq "$T/dir" "$(cat "$T/dir.rootfs")" "ROOTFS is used in place"
expect_failure out "$OCIMAKE" toolchain --name bad --tarball "$T/none.tar" --output "$T/x"
assert_one_line "$out"; assert_contains "$out" "toolchain bad: TARBALL"
[ -z "$(find "$T/cache" -name '.making-*')" ] || fail "a half-made toolchain was left"
echo "ok: image, tarball and rootfs toolchains"
