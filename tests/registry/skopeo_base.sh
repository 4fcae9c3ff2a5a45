# An image skopeo pushed serves as BASE: the built image holds its layers
# (the very blobs) first, then ours.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"

make_tree "$T/base-tree" "the base"
build_image "$T/base" "$T/base-tree" scratch base >/dev/null
skopeo copy -q --dest-tls-verify=false "oci:$T/base:base" "docker://$REG_HOST/skopeo/base:1"
base_digest=$(skopeo_digest "$REG_HOST/skopeo/base:1" --tls-verify=false)

mkdir -p "$T/app/usr/local/bin"
printf 'app\n' >"$T/app/usr/local/bin/app.txt"
"$OCIMAKE" layer --tree "$T/app" --layout "$T/store" --output "$T/app.json" >/dev/null
digest=$("$OCIMAKE" image --layout "$T/img" --base "$REG_HOST/skopeo/base:1" \
  --layer-store "$T/store" --layer "$T/app.json" --tag app:1)
assert_eq "$digest" "$(layout_digest "$T/img")"

expected=$(manifest_layers "$T/base"; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$T/app.json")
assert_eq "$expected" "$(manifest_layers "$T/img")" "the base's layers, then ours"
annotation=$("$OCIMAKE" inspect --json "$T/img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["annotations"]["org.opencontainers.image.base.digest"])')
assert_eq "$base_digest" "$annotation" "base digest annotation"
# The base came through the cache, tagged with its full reference.
assert_contains "$(cat "$OCIMAKE_CACHE_DIR/oci/index.json")" "$REG_HOST/skopeo/base:1"
