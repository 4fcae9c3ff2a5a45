# TLS with a CA the test made, and htpasswd basic auth: login stores the
# credentials (0600), push and pull verify the certificate, skopeo agrees.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
repo="$REG_HOST/tls/app"
make_tree "$T/tree" "over tls"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null

# An untrusted certificate: a clear one-line error, no fallback to http.
expect_failure out "$OCIMAKE" push "$T/img" "$repo:1"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: TLS certificate not trusted"

printf '%s\n' "$REG_PASSWORD" | "$OCIMAKE" login "$REG_HOST" -u "$REG_USER" --password-stdin \
  --ca-file "$REG_CA" >/dev/null
assert_eq 600 "$(stat -c %a "$DOCKER_CONFIG/config.json")" "config.json mode"
assert_eq 700 "$(stat -c %a "$DOCKER_CONFIG")" "docker config directory mode"
digest=$("$OCIMAKE" push "$T/img" "$repo:1" --ca-file "$REG_CA")
assert_eq "$(layout_digest "$T/img")" "$digest"

mkdir -p "$T/certs"
cp "$REG_CA" "$T/certs/ca.crt"
assert_eq "$digest" "$(skopeo_digest "$repo:1" --cert-dir "$T/certs" --creds "$REG_USER:$REG_PASSWORD")" \
  "skopeo inspect over TLS"
assert_eq "$digest" "$(OCIMAKE_CA_FILE="$REG_CA" "$OCIMAKE" pull "$repo:1" "$T/pulled:x")" "pull"
# Credentials went only to the registry: the access log names the user.
grep -q "\"GET /v2/tls/app/manifests/1" "$REG_LOG" || fail "no pull in the registry log"
