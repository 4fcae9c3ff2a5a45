# `ocimake copy` with docker:// on either side; between two repositories of
# one registry the blobs are mounted, not uploaded again.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"

make_tree "$T/tree" "copied"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" copy "oci:$T/img:app:1" "docker://$REG_HOST/copy/a:1")
assert_eq "$(layout_digest "$T/img")" "$digest"

off=$(log_size)
assert_eq "$digest" "$("$OCIMAKE" copy "docker://$REG_HOST/copy/a:1" "docker://$REG_HOST/copy/b:1")"
assert_eq 3 "$(log_count "$off" "POST /v2/copy/b/blobs/uploads/?mount=")" "mount requests"
assert_eq 0 "$(log_count "$off" "PUT /v2/copy/b/blobs/uploads/")" "uploads into b"
mounted=$(tail -c +"$((off + 1))" "$REG_LOG" | grep '"POST /v2/copy/b/blobs/uploads/?mount=' | grep -c '" 201 ' || true)
assert_eq 3 "$mounted" "mounts answered 201 Created"
assert_eq "$digest" "$(skopeo_digest "$REG_HOST/copy/b:1" --tls-verify=false)"

# From a registry into a layout and an archive.
assert_eq "$digest" "$("$OCIMAKE" copy "docker://$REG_HOST/copy/b:1" "oci:$T/out:b")"
assert_eq "$digest" "$(layout_digest "$T/out:b")"
"$OCIMAKE" copy "docker://$REG_HOST/copy/b:1" "docker-archive:$T/b.tar" >/dev/null
skopeo inspect --format '{{.Digest}}' "docker-archive:$T/b.tar" >/dev/null
expect_failure out "$OCIMAKE" copy "docker:$REG_HOST/copy/b:1" "oci:$T/x"
assert_contains "$out" "expected docker://REFERENCE"
expect_failure out "$OCIMAKE" copy "docker://$REG_HOST/copy/B:1" "oci:$T/x"
assert_contains "$out" "invalid repository"
assert_one_line "$out"
