# After a one-file change, a second push sends only the new app layer, the
# config and the manifest: counted in the registry's access log.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"
repo="$REG_HOST/incremental/app"
uploads="PUT /v2/incremental/app/blobs/uploads/"

make_tree "$T/tree" "version 1"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
off=$(log_size)
"$OCIMAKE" push "$T/img" "$repo:1" >/dev/null
assert_eq 3 "$(log_count "$off" "$uploads")" "first push: libs, app, config"

printf 'version 2\n' >"$T/tree/usr/local/share/app/message.txt"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
app=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$T/img.work/app.json")
config=$("$OCIMAKE" inspect --json "$T/img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["config"]["digest"])')
off=$(log_size)
digest=$("$OCIMAKE" push "$T/img" "$repo:2")
assert_eq 2 "$(log_count "$off" "$uploads")" "blob uploads after a one-file change"
assert_eq 0 "$(log_count "$off" "PATCH /v2/")" "chunk uploads"
assert_eq 2 "$(log_count "$off" "PUT /v2/incremental/app/manifests/")" "manifest: by digest, then the tag"
sent=$(tail -c +"$((off + 1))" "$REG_LOG" | grep -o "\"$uploads[^ ]*" | grep -o 'digest=sha256%3A[0-9a-f]*' |
  sed 's/digest=sha256%3A/sha256:/' | sort | tr '\n' ' ')
assert_eq "$(printf '%s\n' "$app" "$config" | sort | tr '\n' ' ')" "$sent" "what was uploaded"
assert_eq "$digest" "$(layout_digest "$T/img")"
