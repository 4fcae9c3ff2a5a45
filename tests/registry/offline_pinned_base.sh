# A digest-pinned BASE builds with the registry stopped, once it was pulled:
# the cache has the manifest, config and layers, verified, and the registry
# is not contacted at all. A tag cannot be resolved offline, and says so.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
private_registry "$T/registry" http
make_tree "$T/base-tree" "pinned base"
build_image "$T/base" "$T/base-tree" scratch base >/dev/null
base=$("$OCIMAKE" push "$T/base" "$REG_HOST/offline/base:1")
pinned="$REG_HOST/offline/base@$base"

mkdir -p "$T/app/usr/local/bin"
printf 'app\n' >"$T/app/usr/local/bin/app.txt"
"$OCIMAKE" layer --tree "$T/app" --layout "$T/store" --output "$T/app.json" >/dev/null
build() {  # LAYOUT BASE
  "$OCIMAKE" image --layout "$1" --base "$2" --layer-store "$T/store" --layer "$T/app.json" \
    --tag app:1
}
online=$(build "$T/img1" "$pinned")

registry_stop "$T/registry"
# Any connection attempt now would fail (after 3.5 s of retries).
start=$(date +%s)
offline=$(build "$T/img2" "$pinned")
assert_eq "$online" "$offline" "the same image offline"
[ $(($(date +%s) - start)) -lt 3 ] || fail "the offline build waited for the registry"
"$OCIMAKE" inspect "$pinned" >/dev/null
assert_eq "$base" "$("$OCIMAKE" pull "$pinned" "$T/pulled")" "pull of a cached pin"

# A corrupt cached layer is noticed: without the registry, that is an error.
layer=$(manifest_layers "$T/base" | sed -n 1p)
printf 'garbage' >"$OCIMAKE_CACHE_DIR/oci/blobs/sha256/${layer#sha256:}"
expect_failure out build "$T/img3" "$pinned"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: connection refused after 4 attempts"

expect_failure out build "$T/img4" "$REG_HOST/offline/base:1"
assert_one_line "$out"
assert_contains "$out" "connection refused after 4 attempts"
