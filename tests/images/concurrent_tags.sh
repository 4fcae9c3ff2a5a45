# Two builds tagging different tags into one layout at once keep both tags
# (index.json is read-modify-written under a lock), 30 times over.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/a/etc" "$T/b/etc"; echo a >"$T/a/etc/x"; echo b >"$T/b/etc/x"
"$OCIMAKE" layer --tree "$T/a" --layout "$T/out" --output "$T/a.json"
"$OCIMAKE" layer --tree "$T/b" --layout "$T/out" --output "$T/b.json"
for i in $(seq 1 30); do
  "$OCIMAKE" image --layout "$T/out" --layer "$T/a.json" --tag "a$i" >/dev/null &
  "$OCIMAKE" image --layout "$T/out" --layer "$T/b.json" --tag "b$i" >/dev/null &
  wait
done
tags=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["manifests"]))' "$T/out/index.json")
assert_eq 60 "$tags" "tags in index.json"
need skopeo skopeo
skopeo inspect "oci:$T/out:a30" >/dev/null && skopeo inspect "oci:$T/out:b30" >/dev/null
echo "ok: 60 tags from 30 pairs of concurrent builds"
