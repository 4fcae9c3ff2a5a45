# Whiteouts and opaque directories across three layers: `ocimake unpack`
# gives the same tree as `umoci unpack`.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
mk() { python3 "$OCIMAKE_TESTS_DIR/cli/make_tar.py" "$@"; }
mk "$T/1.tar" d:a f:a/x:1 f:a/y:2 d:b f:b/z:3 d:c d:c/d f:c/d/e:4 l:c/link:d/e f:keep:k \
  d:lib64 f:lib64/ld:loader h:lib64/ld-hard:lib64/ld
mk "$T/2.tar.gz" f:a/.wh.x: f:c/.wh..wh..opq: f:c/new:5 d:b/sub f:b/sub/f:6 f:.wh.keep:
mk "$T/3.tar" f:b/.wh..wh..opq: f:b/only:7 f:a/x:again l:bin:/usr/bin d:usr d:usr/bin f:bin/tool:t
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/img" "$T/1.tar" "$T/2.tar.gz" "$T/3.tar"
"$OCIMAKE" unpack "$T/img" "$T/ours"
umoci unpack --rootless --image "$T/img:test" "$T/umoci" >/dev/null 2>&1 || fail "umoci unpack"
tree() {  # type, permissions, link target or content hash, path
  (cd "$1" && find . -mindepth 1 | sort | while read -r p; do
    if [ -L "$p" ]; then echo "l $(readlink "$p") $p"
    elif [ -d "$p" ]; then echo "d $p"
    else echo "f $(stat -c %a "$p") $(sha256sum <"$p" | cut -c1-16) $p"; fi
  done)
}
diff -u <(tree "$T/umoci/rootfs") <(tree "$T/ours") || fail "trees differ from umoci's"
[ -f "$T/ours/usr/bin/tool" ] || fail "write through the absolute /bin -> /usr/bin link"
[ "$(stat -c %i "$T/ours/lib64/ld")" = "$(stat -c %i "$T/ours/lib64/ld-hard")" ] || fail "hardlink"
echo "ok: $(tree "$T/ours" | wc -l) entries, identical to umoci's"
