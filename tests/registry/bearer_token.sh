# The bearer-token flow: the registry answers 401 with a WWW-Authenticate
# Bearer challenge naming token_server.py; ocimake gets a token for the
# repository's scope with the stored credentials and retries. A realm on
# another host over plain http is refused before any credential is sent.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
export OCIMAKE_CA_FILE="$REG_CA"
repo="$REG_HOST/bearer/app"
tlog="$REG_DIR/token.log"
make_tree "$T/tree" "bearer"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null

expect_failure out "$OCIMAKE" push "$T/img" "$repo:1"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: unauthorized"

expect_failure out sh -c "printf 'nope\n' | '$OCIMAKE' login '$REG_HOST' -u '$REG_USER' --password-stdin"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: unauthorized: the token server"

printf '%s\n' "$REG_PASSWORD" | "$OCIMAKE" login "$REG_HOST" -u "$REG_USER" --password-stdin >/dev/null
off=$(stat -c %s "$tlog")
digest=$("$OCIMAKE" push "$T/img" "$repo:1")
assert_eq "$(layout_digest "$T/img")" "$digest"
asked=$(tail -c +"$((off + 1))" "$tlog")
assert_contains "$asked" '"scopes": ["repository:bearer/app:pull,push"], "auth": true, "status": 200'
# One token for the whole push: cached per scope.
assert_eq 1 "$(printf '%s\n' "$asked" | grep -c 'repository:bearer/app:pull,push')" "token requests"

mkdir -p "$T/certs"
cp "$REG_CA" "$T/certs/ca.crt"
assert_eq "$digest" "$(skopeo_digest "$repo:1" --cert-dir "$T/certs" --creds "$REG_USER:$REG_PASSWORD")"
assert_eq "$digest" "$("$OCIMAKE" pull "$repo:1" "$T/pulled")"
assert_contains "$(cat "$tlog")" '"scopes": ["repository:bearer/app:pull"]'

# A mount asks for both repositories' scopes in one token.
"$OCIMAKE" copy "docker://$repo:1" "docker://$REG_HOST/bearer/copy:1" >/dev/null
assert_contains "$(cat "$tlog")" '"repository:bearer/copy:pull,push", "repository:bearer/app:pull"'

# An identity token (OAuth2 refresh token) instead of a password.
printf '{"auths":{"%s":{"identitytoken":"ocimake-test-refresh-token"}}}' "$REG_HOST" \
  >"$DOCKER_CONFIG/config.json"
rm -rf "$OCIMAKE_CACHE_DIR"
assert_eq "$digest" "$("$OCIMAKE" pull "$repo:1" "$T/pulled2")" "pull with an identity token"
assert_contains "$(tail -n 2 "$tlog")" '"method": "POST"'

# A realm on another host ("localhost" is not "127.0.0.1") over plain http.
port=$(free_port)
"$REG_PYTHON" "$OCIMAKE_TESTS_DIR/registry/fault_proxy.py" --port "$port" --upstream "$REG_HOST" \
  --log "$T/proxy.log" --bearer-realm "http://localhost:$port/token" >"$T/proxy.out" 2>&1 &
proxy=$!
trap 'kill -9 $proxy 2>/dev/null; rm -rf "$T"' EXIT
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$port" "$(printf 'u:secret-pw' | base64)" \
  >"$DOCKER_CONFIG/config.json"
expect_failure out "$OCIMAKE" pull "127.0.0.1:$port/bearer/app:1" "$T/refused"
assert_one_line "$out"
assert_contains "$out" "refusing the token realm http://localhost:$port/token"
assert_not_contains "$(cat "$T/proxy.log")" '"/token'
assert_not_contains "$(cat "$T/proxy.log")" '"auth": true'
