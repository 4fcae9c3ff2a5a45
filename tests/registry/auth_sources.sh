# Credentials are found where docker, podman and skopeo keep them:
# $REGISTRY_AUTH_FILE, ${XDG_RUNTIME_DIR}/containers/auth.json, the docker
# config's auths, credHelpers and credsStore (docker-credential-<name> get).
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"
export OCIMAKE_CA_FILE="$REG_CA"
b64=$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)
make_tree "$T/tree" "auth sources"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$(layout_digest "$T/img")

check() {  # WHAT: push and pull work with the credentials set up
  assert_eq "$digest" "$("$OCIMAKE" push "$T/img" "$REG_HOST/sources/app:1")" "push with $1"
  rm -rf "$OCIMAKE_CACHE_DIR" "$T/out"
  assert_eq "$digest" "$("$OCIMAKE" pull "$REG_HOST/sources/app:1" "$T/out")" "pull with $1"
}
reset() { rm -rf "$DOCKER_CONFIG" "$XDG_RUNTIME_DIR" "$T/elsewhere"; unset REGISTRY_AUTH_FILE; }

expect_failure out "$OCIMAKE" push "$T/img" "$REG_HOST/sources/app:1"
assert_contains "$out" "unauthorized (no credentials found; ocimake login $REG_HOST)"

mkdir -p "$T/elsewhere"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG_HOST" "$b64" >"$T/elsewhere/auth.json"
export REGISTRY_AUTH_FILE="$T/elsewhere/auth.json"
check REGISTRY_AUTH_FILE
reset

mkdir -p "$XDG_RUNTIME_DIR/containers"
printf '{"auths":{"https://%s/v1/":{"auth":"%s"}}}' "$REG_HOST" "$b64" \
  >"$XDG_RUNTIME_DIR/containers/auth.json"
check "podman's auth.json"
reset

# A credential helper on PATH; it logs what it was asked.
mkdir -p "$T/bin"
cat >"$T/bin/docker-credential-ocimaketest" <<HELPER
#!/bin/sh
[ "\$1" = get ] || exit 1
read server
echo "\$server" >>"$T/helper.log"
if [ "\$server" != "$REG_HOST" ]; then echo "credentials not found in native keychain"; exit 1; fi
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$server" "$REG_USER" "$REG_PASSWORD"
HELPER
chmod +x "$T/bin/docker-credential-ocimaketest"
export PATH="$T/bin:$PATH"
mkdir -p "$DOCKER_CONFIG"
printf '{"credHelpers":{"%s":"ocimaketest"}}' "$REG_HOST" >"$DOCKER_CONFIG/config.json"
check credHelpers
reset
mkdir -p "$DOCKER_CONFIG"
printf '{"auths":{"other.example":{"auth":"eDp5"}},"credsStore":"ocimaketest"}' >"$DOCKER_CONFIG/config.json"
check credsStore
assert_contains "$(cat "$T/helper.log")" "$REG_HOST"

# A helper that fails says so, in one line.
printf '{"credHelpers":{"%s":"missing"}}' "$REG_HOST" >"$DOCKER_CONFIG/config.json"
expect_failure out "$OCIMAKE" push "$T/img" "$REG_HOST/sources/app:1"
assert_one_line "$out"
assert_contains "$out" "credential helper docker-credential-missing"
