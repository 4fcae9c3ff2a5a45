# `ocimake layer --jobs N` writes the same blob for every N (gzip and zstd),
# OCIMAKE_JOBS sets the default, the gzip blob is one valid member that
# gzip -t accepts and whose content is the tar, and bad values are one-line
# errors that write nothing.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need pigz pigz
mkdir -p "$T/tree/include" "$T/tree/data"
cp -r "$OCIMAKE_SOURCE_DIR/plugin" "$T/tree/include/"
head -c 3000000 /dev/urandom >"$T/tree/data/random.bin"
pack() {  # pack NAME ARGS...: prints the blob digest
  "$OCIMAKE" layer --tree "$T/tree" --layout "$T/layout" --output "$T/$1.json" "${@:2}"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$T/$1.json"
}
for c in gzip zstd; do
  one=$(pack "$c-1" --compression "$c" --jobs 1)
  for j in 2 3 8; do
    assert_eq "$one" "$(pack "$c-$j" --compression "$c" -j "$j")" "$c digest with --jobs $j"
  done
  assert_eq "$one" "$(OCIMAKE_JOBS=5 pack "$c-env" --compression "$c")" "$c digest with OCIMAKE_JOBS=5"
  assert_eq "$one" "$(pack "$c-default" --compression "$c")" "$c digest with the default jobs"
done
blob="$T/layout/blobs/sha256/$(pack gzip-1 --jobs 1 | cut -d: -f2)"
gzip -t "$blob" || fail "gzip -t rejects the blob"
# pigz decompresses it too, and the content lists as a tar of the tree.
listing=$(pigz -dc "$blob" | tar -tf -)
assert_contains "$listing" "data/random.bin" "tar listing of the blob"
diff_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diff_id"])' "$T/gzip-1.json")
assert_eq "$diff_id" "sha256:$(pigz -dc "$blob" | sha256sum | cut -d' ' -f1)" "diff_id of the unpacked blob"

for bad in 0 -2 many 100000; do
  expect_failure out "$OCIMAKE" layer --tree "$T/tree" --layout "$T/bad" --output "$T/bad.json" --jobs "$bad"
  assert_one_line "$out"
  assert_contains "$out" "--jobs"
done
expect_failure out env OCIMAKE_JOBS=two "$OCIMAKE" layer --tree "$T/tree" --layout "$T/bad" \
  --output "$T/bad.json"
assert_one_line "$out"
assert_contains "$out" "OCIMAKE_JOBS='two'"
[ ! -e "$T/bad.json" ] || fail "a failed run wrote its descriptor"
echo "ok: gzip and zstd blobs the same for --jobs 1, 2, 3, 8, OCIMAKE_JOBS and the default"
