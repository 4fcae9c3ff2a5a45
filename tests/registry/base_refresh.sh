# A registry BASE given by tag follows its tag (add_container_image's
# BASE_REFRESH, `ocimake base-digest`): a no-op build runs one check of the
# tag (one HEAD request for two images) and nothing else; a moved tag
# rebuilds the images on the new base; never keeps the first digest; MINUTES
# asks again only when the last check is older; with the registry stopped
# the build goes on with the recorded digest and a one-line warning.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
private_registry "$T/registry" http
ref="$REG_HOST/refresh/base:1"

push_base() {  # TEXT: a new base image pushed to $ref; prints its digest
  rm -rf "$T/base" "$T/base.work" "$T/base-tree" "$T/base-tree.libs"
  make_tree "$T/base-tree" "$1"
  build_image "$T/base" "$T/base-tree" scratch base >/dev/null
  "$OCIMAKE" push "$T/base" "$ref"
}
configure() {  # REFRESH
  "$CMAKE_COMMAND" -G Ninja -S "$OCIMAKE_TESTS_DIR/registry/base_refresh_project" \
    -B "$T/build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" -DAPP_BASE="$ref" \
    -DAPP_BASE_REFRESH="$1" -DOCIMAKE_CACHE_DIR="$T/cmake-cache" >"$T/configure.log" 2>&1 ||
    { cat "$T/configure.log"; fail "configure with BASE_REFRESH '$1'"; }
}
build() {  # LOG: the build's commands (ninja -v) and output in LOG
  "$CMAKE_COMMAND" --build "$T/build" --target image -v >"$1" 2>&1 ||
    { cat "$1"; fail "build ($1)"; }
}
base_of() {  # LAYOUT: the base digest the image's manifest names
  "$OCIMAKE" inspect --json "$1" | python3 -c 'import json,sys
print(json.load(sys.stdin)["manifest"]["annotations"]["org.opencontainers.image.base.digest"])'
}
heads() { log_count "$1" "HEAD /v2/refresh/base/manifests/1"; }
steps() { grep -cE "ocimake (image|closure|user|layer|sbom-write) " "$1" || true; }

d1=$(push_base "base one")
configure ""
build "$T/b1.log"
assert_eq "$d1" "$(base_of "$T/build/app-image")" "app-image's base"
assert_eq "$d1" "$(base_of "$T/build/other-image")" "other-image's base"
pin=$(ls "$T"/build/ocimake-base-pins/*.ref)
assert_eq "$ref@$d1" "$(cat "$pin")" "the pin file"
image1=$(layout_digest "$T/build/app-image")
[ "$(steps "$T/b1.log")" -ge 6 ] || fail "the first build's steps were not seen: $(cat "$T/b1.log")"

note "no-op: one check of the tag for both images, nothing else runs"
pin_mtime=$(stat -c %y "$pin")
off=$(log_size)
build "$T/b2.log"
assert_eq 1 "$(grep -c "ocimake base-digest" "$T/b2.log")" "checks of the tag in a no-op build"
assert_eq 0 "$(steps "$T/b2.log")" "image steps run by a no-op build"
assert_eq 1 "$(heads "$off")" "HEAD requests in a no-op build"
assert_eq 0 "$(log_count "$off" "GET /v2/refresh/base/manifests/")" "GET manifest in a no-op build"
assert_eq "$pin_mtime" "$(stat -c %y "$pin")" "the pin file's mtime"
assert_eq "$image1" "$(layout_digest "$T/build/app-image")" "the image after a no-op build"

note "the tag moved: both images are built again on the new base"
d2=$(push_base "base two")
assert_ne "$d1" "$d2"
build "$T/b3.log"
assert_contains "$(cat "$T/b3.log")" "base $ref moved: $d1 -> $d2"
assert_eq "$d2" "$(base_of "$T/build/app-image")" "app-image's base after the move"
assert_eq "$d2" "$(base_of "$T/build/other-image")" "other-image's base after the move"
assert_eq "$(manifest_layers "$T/base")" "$(manifest_layers "$T/build/app-image" | sed -n 1,2p)" \
  "the image starts with the new base's layers"
assert_contains "$(cat "$T/build/app-image.spdx.json")" "${d2#sha256:}" \
  "the SBOM names the new base"
image2=$(layout_digest "$T/build/app-image")
assert_ne "$image1" "$image2" "the image on the new base"

note "BASE_REFRESH never: the first digest stays, the registry is not asked"
configure never
build "$T/b4.log"
assert_eq "$d2" "$(base_of "$T/build/app-image")" "BASE_REFRESH never, first build"
d3=$(push_base "base three")
off=$(log_size)
build "$T/b5.log"
assert_eq 0 "$(heads "$off")" "HEAD requests with BASE_REFRESH never"
assert_eq 0 "$(steps "$T/b5.log")" "image steps with BASE_REFRESH never"
assert_eq "$d2" "$(base_of "$T/build/app-image")" "BASE_REFRESH never keeps the digest"

note "BASE_REFRESH 60: asked again once the last check is older than an hour"
configure 60
build "$T/b6.log"
assert_eq "$d3" "$(base_of "$T/build/app-image")" "BASE_REFRESH 60, first build"
d4=$(push_base "base four")
off=$(log_size)
build "$T/b7.log"
assert_eq 0 "$(heads "$off")" "HEAD requests within the hour"
assert_eq "$d3" "$(base_of "$T/build/app-image")" "BASE_REFRESH 60 within the hour"
for f in "$T"/build/ocimake-base-pins/*.ref.checked; do touch -d '2 hours ago' "$f"; done
build "$T/b8.log"
assert_eq "$d4" "$(base_of "$T/build/app-image")" "BASE_REFRESH 60 after two hours"

note "a tag the registry does not have is an error, even with a recorded digest"
printf '%s\n' "$REG_HOST/refresh/gone:1@$d1" >"$T/gone.ref"
expect_failure out "$OCIMAKE" base-digest "$REG_HOST/refresh/gone:1" --output "$T/gone.ref"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: manifest refresh/gone:1: not found"

note "offline: the recorded digest, a warning, no rebuild"
configure ""
build "$T/b9.log"
assert_eq "$d4" "$(base_of "$T/build/app-image")" "BASE_REFRESH always, back online"
image4=$(layout_digest "$T/build/app-image")
registry_stop "$T/registry"
start=$(date +%s)
build "$T/b10.log"
[ $(($(date +%s) - start)) -lt 3 ] || fail "the offline build waited for the registry"
warning=$(grep "warning" "$T/b10.log")
assert_one_line "$warning"
assert_contains "$warning" \
  "ocimake base-digest: warning: $ref: registry $REG_HOST: connection refused"
assert_contains "$warning" "using the last known digest $d4"
assert_eq 0 "$(steps "$T/b10.log")" "image steps in the offline build"
assert_eq "$image4" "$(layout_digest "$T/build/app-image")" "the image offline"

note "errors: no recorded digest offline, a bad pin file, a bad --refresh"
expect_failure out "$OCIMAKE" base-digest "$ref" --output "$T/new.ref"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: connection refused after 4 attempts"
[ ! -e "$T/new.ref" ] || fail "a pin file written without a digest"
expect_failure out "$OCIMAKE" image --layout "$T/x" --base "@$T/missing.ref"
assert_contains "$out" "--base @$T/missing.ref: no such file"
printf '%s\n' "$ref" >"$T/tag.ref"
expect_failure out "$OCIMAKE" closure --stage "$T" --base "@$T/tag.ref" --output "$T/x.txt"
assert_contains "$out" "--base @$T/tag.ref: expected a registry reference pinned by digest"
expect_failure out "$OCIMAKE" base-digest "$ref" --output "$T/new.ref" --refresh soon
assert_contains "$out" "--refresh soon: expected always, never or a number of minutes"
"$OCIMAKE" base-digest "$REG_HOST/refresh/base@$d1" --output "$T/digest.ref"
assert_eq "$REG_HOST/refresh/base@$d1" "$(cat "$T/digest.ref")" "a digest-pinned ref, offline"
