# A wrong password: one line naming the registry and "unauthorized", for
# login and for push; nothing stored.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"
export OCIMAKE_CA_FILE="$REG_CA"

expect_failure out sh -c "printf 'not-it\n' | '$OCIMAKE' login '$REG_HOST' -u '$REG_USER' --password-stdin"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: unauthorized"
[ ! -e "$DOCKER_CONFIG/config.json" ] || fail "a refused login stored credentials"

mkdir -p "$DOCKER_CONFIG"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG_HOST" "$(printf '%s:Wr0ngPw' "$REG_USER" | base64)" \
  >"$DOCKER_CONFIG/config.json"
make_tree "$T/tree" "wrong password"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
expect_failure out "$OCIMAKE" push "$T/img" "$REG_HOST/wrong/app:1"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: unauthorized"
note "$out"
assert_contains "$out" "as user $REG_USER"
assert_not_contains "$out" "Wr0ngPw"
expect_failure out "$OCIMAKE" pull "$REG_HOST/wrong/app:1" "$T/out"
assert_one_line "$out"
assert_contains "$out" "registry $REG_HOST: unauthorized"
