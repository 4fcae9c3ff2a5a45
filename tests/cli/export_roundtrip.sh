# export -> copy -> layout keeps the manifest digest; both archive formats
# are read back by ocimake and by skopeo.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need skopeo skopeo
mkdir -p "$T/tree/usr/bin"; printf '#!/bin/sh\necho hi\n' >"$T/tree/usr/bin/hi"; chmod +x "$T/tree/usr/bin/hi"
"$OCIMAKE" layer --tree "$T/tree" --layout "$T/img" --output "$T/l.json"
d=$("$OCIMAKE" image --layout "$T/img" --layer "$T/l.json" --tag rt:1)
for f in docker-archive oci-archive; do
  "$OCIMAKE" export "$T/img" --format $f --output "$T/$f.tar"
  got=$("$OCIMAKE" copy "$f:$T/$f.tar" "oci:$T/back-$f:rt:1")
  assert_eq "$d" "$got" "digest after $f round trip"
  skopeo inspect "$f:$T/$f.tar" >/dev/null || fail "skopeo rejects our $f"
done
a=$(sha "$T/docker-archive.tar"); "$OCIMAKE" export "$T/img" --output "$T/again.tar"
assert_eq "$a" "$(sha "$T/again.tar")" "the archive itself is reproducible"
echo "ok: $d"
