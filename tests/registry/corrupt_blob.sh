# A registry that serves a blob whose bytes do not match its digest (or one
# byte too many) is refused, and the cache stays clean: no blob under that
# digest, no temp file. Once the registry is repaired, the rerun succeeds.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
private_registry "$T/registry" http
repo="$REG_HOST/corrupt/app"
make_tree "$T/tree" "to be corrupted"
head -c 100000 /dev/urandom >"$T/tree/usr/local/share/app/noise.bin"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" push "$T/img" "$repo:1")
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$T/img.work/app.json")
hex=${layer#sha256:}
data="$REG_STORAGE/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
[ -f "$data" ] || fail "no blob data at $data"
cp "$data" "$T/good"

cache_is_clean() {
  [ ! -e "$OCIMAKE_CACHE_DIR/oci/blobs/sha256/$hex" ] || fail "the bad blob was committed"
  local temps
  temps=$(find "$OCIMAKE_CACHE_DIR" -name '*.tmp-*' | wc -l)
  assert_eq 0 "$temps" "temp files left in the cache"
}

# Same size, one byte flipped.
python3 - "$data" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(bytes(b))
PY
bad=sha256:$(sha "$data")
expect_failure out "$OCIMAKE" pull "$repo:1" "$T/out"
assert_one_line "$out"
note "$out"
assert_contains "$out" "digest mismatch: expected $layer got $bad"
cache_is_clean

# One byte longer than its descriptor.
cp "$T/good" "$data"
printf 'x' >>"$data"
expect_failure out "$OCIMAKE" pull "$repo:1" "$T/out"
assert_one_line "$out"
assert_contains "$out" "size mismatch"
cache_is_clean

# One byte shorter.
head -c "$(($(stat -c %s "$T/good") - 1))" "$T/good" >"$data"
expect_failure out "$OCIMAKE" pull "$repo:1" "$T/out"
assert_one_line "$out"
assert_contains "$out" "size mismatch"
cache_is_clean

cp "$T/good" "$data"
assert_eq "$digest" "$("$OCIMAKE" pull "$repo:1" "$T/out")" "pull after the repair"
assert_eq "$hex" "$(sha "$OCIMAKE_CACHE_DIR/oci/blobs/sha256/$hex")"
