# An image ocimake pushes is the image skopeo reads back: same manifest
# digest from `ocimake push`, `skopeo inspect`, `skopeo copy` and `ocimake pull`.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
repo="$REG_HOST/roundtrip/app"

make_tree "$T/tree" "round trip"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" push "$T/img" "$repo:1")
assert_eq "$(layout_digest "$T/img")" "$digest" "digest printed by push"
assert_eq "$digest" "$(skopeo_digest "$repo:1" --tls-verify=false)" "skopeo inspect"

skopeo copy -q --src-tls-verify=false "docker://$repo:1" "oci:$T/back:app" >/dev/null
assert_eq "$digest" "$(layout_digest "$T/back:app")" "skopeo copy back"
assert_eq "$digest" "$("$OCIMAKE" pull "$repo:1" "$T/pulled:app")" "ocimake pull"
for l in $(manifest_layers "$T/img"); do
  cmp -s "$T/img/blobs/sha256/${l#sha256:}" "$T/back/blobs/sha256/${l#sha256:}" ||
    fail "layer $l differs after the round trip"
done

# By digest too, and under extra tags.
assert_eq "$digest" "$("$OCIMAKE" push "$T/img:app:1" "$repo@$digest" --tag extra)"
assert_eq "$digest" "$(skopeo_digest "$repo:extra" --tls-verify=false)" "extra tag"
expect_failure out "$OCIMAKE" push "$T/img" "$repo@sha256:$(printf '%064d' 0)"
assert_contains "$out" "has digest $digest"

# Nothing new: a second push uploads no blob.
off=$(log_size)
"$OCIMAKE" push "$T/img" "$repo:1" >/dev/null
assert_eq 0 "$(log_count "$off" "PUT /v2/roundtrip/app/blobs/uploads/")" "blob uploads on a re-push"
assert_eq 3 "$(log_count "$off" "HEAD /v2/roundtrip/app/blobs/sha256:")" "blob checks on a re-push"

# Every new command documents itself with examples.
for cmd in push pull login copy; do
  help=$("$OCIMAKE" "$cmd" --help)
  assert_contains "$help" "ocimake $cmd " "ocimake $cmd --help"
done
