# A missing base, a corrupt base tarball and a base blob whose content does
# not match its digest each fail with a one-line error naming the file and
# what was expected, and leave the output layout as it was.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/tree/etc" "$T/basetree/usr/share"
echo app >"$T/tree/etc/app.conf"
head -c 300000 /dev/urandom >"$T/basetree/usr/share/data"
"$OCIMAKE" layer --tree "$T/basetree" --layout "$T/base" --output "$T/base.layer.json"
"$OCIMAKE" image --layout "$T/base" --layer "$T/base.layer.json" --tag base >/dev/null
"$OCIMAKE" export "$T/base" --output "$T/base.tar"
"$OCIMAKE" layer --tree "$T/tree" --layout "$T/out" --output "$T/app.layer.json"
"$OCIMAKE" image --layout "$T/out" --base "$T/base" --layer "$T/app.layer.json" --tag app >/dev/null

snapshot() { (cd "$T/out" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(snapshot)
try_base() {  # try_base BASE EXPECTED-TEXT...
  local base=$1 out; shift
  expect_failure out "$OCIMAKE" image --layout "$T/out" --base "$base" \
    --layer "$T/app.layer.json" --tag app
  assert_one_line "$out"
  for want in "$@"; do assert_contains "$out" "$want" "error for base $base"; done
  assert_eq "$before" "$(snapshot)" "output layout after a failed build with base $base"
  echo "  $out" >&2
}

note "missing base path"
try_base "$T/no-such-base" "$T/no-such-base" "no such file or directory" "expected scratch"

note "corrupt (truncated) base tarball"
head -c 200000 "$T/base.tar" >"$T/truncated.tar"
try_base "$T/truncated.tar" "$T/truncated.tar" "runcated"
note "a tarball that is not an image"
tar -cf "$T/notimage.tar" -C "$T/tree" etc
try_base "$T/notimage.tar" "$T/notimage.tar" "not an oci-archive or docker-archive"

note "a base blob whose content does not match its digest"
cp -r "$T/base" "$T/badbase"
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"].split(":")[1])' "$T/base.layer.json")
printf 'X' | dd of="$T/badbase/blobs/sha256/$layer" bs=1 seek=1000 conv=notrunc status=none
try_base "$T/badbase" "$T/badbase/blobs/sha256/$layer" "digest mismatch: expected sha256:$layer got sha256:"
note "a base blob one byte short"
cp -r "$T/base" "$T/shortbase"
truncate -s -1 "$T/shortbase/blobs/sha256/$layer"
try_base "$T/shortbase" "size mismatch: expected"
note "the same corruption inside a docker-archive"
mkdir "$T/x" && tar -xf "$T/base.tar" -C "$T/x"
printf 'X' | dd of="$T/x/blobs/sha256/$layer" bs=1 seek=1000 conv=notrunc status=none
tar -cf "$T/badbase.tar" -C "$T/x" .
try_base "$T/badbase.tar" "$T/badbase.tar" "mismatch"
[ -z "$(ls -A "$T" | grep '^\.ocimake-')" ] || fail "a temp directory was left behind: $(ls -A "$T")"
echo "ok: every bad base refused with one line; the layout untouched"
