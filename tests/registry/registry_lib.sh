# Helpers of the registry tests: a real registry (Debian's docker-registry,
# the CNCF distribution) on a loopback port, over plain http, over TLS with a
# CA made here and htpasswd basic auth, or with token auth and a token server
# (token_server.py). Source after tests/lib.sh.
#
#   registry_start DIR MODE [PORT]   MODE: http | tls | token; PORT 0 = free one
#   registry_stop DIR                kill -9, wait until it is gone
#   registry_load DIR                REG_HOST REG_PORT REG_LOG REG_STORAGE REG_CA ...
#
# Everything of one registry lives in DIR: config.yml, registry.log (access
# log + debug log), storage/, and for tls/token the CA and certificates.

need docker-registry docker-registry
need openssl openssl
need curl curl

REG_USER=ocimake
REG_PASSWORD='s3cret pass'
REG_PYTHON=/usr/bin/python3  # Debian's, with python3-cryptography

free_port() {
  "$REG_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# make_ca DIR: a CA and a server certificate for 127.0.0.1 and localhost.
make_ca() {
  local d=$1
  [ -f "$d/ca.pem" ] && return 0
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ocimake test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || fail "openssl: CA"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || fail "openssl: csr"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/ext.cnf" -out "$d/server.pem" >/dev/null 2>&1 || fail "openssl: cert"
  # The key the token server signs JWTs with; the registry trusts its cert.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ocimake token signer" \
    -keyout "$d/token.key" -out "$d/token.pem" >/dev/null 2>&1 || fail "openssl: token key"
  "$REG_PYTHON" -c 'import cryptography' 2>/dev/null || need_python_cryptography
}

need_python_cryptography() {
  apt-get install -y -qq python3-cryptography >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq python3-cryptography >/dev/null 2>&1; } ||
    fail "cannot install python3-cryptography (the token server needs it)"
}

registry_write_config() {  # DIR MODE PORT
  local d=$1 mode=$2 port=$3
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: debug"
    echo "  formatter: text"
    echo "  accesslog:"
    echo "    disabled: false"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $d/storage"
    echo "  delete:"
    echo "    enabled: true"
    echo "  maintenance:"
    echo "    uploadpurging:"
    echo "      enabled: false"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    # A fixed secret: upload sessions survive a restart of the registry.
    echo "  secret: ocimake-test-secret"
    if [ "$mode" != http ]; then
      echo "  tls:"
      echo "    certificate: $d/ca/server.pem"
      echo "    key: $d/ca/server.key"
    fi
    if [ "$mode" = tls ]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: ocimake-test"
      echo "    path: $d/htpasswd"
    elif [ "$mode" = token ]; then
      echo "auth:"
      echo "  token:"
      echo "    realm: ${REG_TOKEN_REALM:-https://127.0.0.1:$(cat "$d/token.port")/token}"
      echo "    service: ocimake-test"
      echo "    issuer: ocimake-test-issuer"
      echo "    rootcertbundle: $d/ca/token.pem"
    fi
  } >"$d/config.yml"
}

# registry_start DIR MODE [PORT]
registry_start() {
  local d=$1 mode=$2 port=${3:-0}
  mkdir -p "$d/storage"
  [ "$port" != 0 ] || port=$(free_port)
  if [ "$mode" != http ]; then
    make_ca "$d/ca"
    [ -f "$d/htpasswd" ] || command -v htpasswd >/dev/null || need htpasswd apache2-utils
    [ -f "$d/htpasswd" ] || htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$d/htpasswd"
  fi
  if [ "$mode" = token ] && [ -z "${REG_TOKEN_REALM:-}" ]; then
    token_server_start "$d"
  fi
  registry_write_config "$d" "$mode" "$port"
  docker-registry serve "$d/config.yml" >>"$d/registry.log" 2>&1 </dev/null &
  local pid=$!
  disown "$pid"  # killed by registry_stop, without a "Killed" note from bash
  local scheme=http
  [ "$mode" = http ] || scheme=https
  local i
  for i in $(seq 1 100); do
    if curl -s -o /dev/null --cacert "$d/ca/ca.pem" "$scheme://127.0.0.1:$port/v2/" 2>/dev/null ||
       curl -s -o /dev/null "$scheme://127.0.0.1:$port/v2/" 2>/dev/null; then
      break
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$d/registry.log" >&2; fail "docker-registry exited"; }
    sleep 0.1
  done
  {
    echo "REG_MODE=$mode"
    echo "REG_PORT=$port"
    echo "REG_HOST=127.0.0.1:$port"
    echo "REG_PID=$pid"
    echo "REG_DIR=$d"
    echo "REG_LOG=$d/registry.log"
    echo "REG_STORAGE=$d/storage"
    echo "REG_CA=$d/ca/ca.pem"
  } >"$d/env"
}

registry_stop() {
  local d=$1
  [ -f "$d/env" ] || return 0
  local pid
  pid=$(sed -n 's/^REG_PID=//p' "$d/env")
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  token_server_stop "$d"
}

registry_load() {
  [ -f "$1/env" ] || fail "no registry in $1 (its fixture did not run?)"
  . "$1/env"
}

token_server_start() {
  local d=$1 port
  port=$(free_port)
  echo "$port" >"$d/token.port"
  "$REG_PYTHON" "$OCIMAKE_TESTS_DIR/registry/token_server.py" --port "$port" \
    --cert "$d/ca/server.pem" --key "$d/ca/server.key" \
    --sign-key "$d/ca/token.key" --sign-cert "$d/ca/token.pem" \
    --user "$REG_USER" --password "$REG_PASSWORD" --log "$d/token.log" \
    >>"$d/token.out" 2>&1 </dev/null &
  echo $! >"$d/token.pid"
  disown $!
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null --cacert "$d/ca/ca.pem" "https://127.0.0.1:$port/health" && return 0
    sleep 0.1
  done
  cat "$d/token.out" >&2
  fail "token server did not start"
}

token_server_stop() {
  local d=$1
  [ -f "$d/token.pid" ] || return 0
  kill -9 "$(cat "$d/token.pid")" 2>/dev/null || true
  rm -f "$d/token.pid"
}

# A private registry for one test, stopped when the test exits.
private_registry() {  # DIR MODE
  registry_start "$1" "$2"
  trap "registry_stop '$1'; rm -rf '$T'" EXIT
  registry_load "$1"
}

# Counts ocimake's access-log lines in $REG_LOG from byte offset $1 matching
# "METHOD PATH-PREFIX". Only ocimake's (its user agent): the registry is one
# fixture shared by the tests, and skopeo in another test, knowing from its
# blob-info cache (shared too) that a blob is in this test's repository,
# checks it there before mounting it into its own (a HEAD seen in CI).
log_count() {  # OFFSET PATTERN
  tail -c +"$(($1 + 1))" "$REG_LOG" | grep -- "\"$2" | grep -c '"ocimake/[^"]*"$' || true
}
log_size() { stat -c %s "$REG_LOG"; }

# build_image LAYOUT TREE [BASE] [TAG]: a layer of TREE (plus, when given, a
# second layer of TREE.libs) on BASE, tagged TAG in LAYOUT.
build_image() {
  local layout=$1 tree=$2 base=${3:-scratch} tag=${4:-app:1}
  local work=$layout.work
  mkdir -p "$work"
  local layers=()
  if [ -d "$tree.libs" ]; then
    "$OCIMAKE" layer --tree "$tree.libs" --layout "$work/store" --output "$work/libs.json" \
      --created-by "libs" >/dev/null
    layers+=(--layer "$work/libs.json")
  fi
  "$OCIMAKE" layer --tree "$tree" --layout "$work/store" --output "$work/app.json" \
    --created-by "app" ${LAYER_ARGS:-} >/dev/null
  layers+=(--layer "$work/app.json")
  "$OCIMAKE" image --layout "$layout" --base "$base" --layer-store "$work/store" \
    "${layers[@]}" --tag "$tag" --prune
}

# manifest_layers LAYOUT[:TAG]: the layer digests, one a line.
manifest_layers() {
  "$OCIMAKE" inspect --json "$1" |
    python3 -c 'import json,sys; [print(l["digest"]) for l in json.load(sys.stdin)["manifest"]["layers"]]'
}

# Tests use their own cache and credentials, never the user's.
export OCIMAKE_CACHE_DIR="$T/cache"
export DOCKER_CONFIG="$T/docker"
export XDG_RUNTIME_DIR="$T/run"
unset REGISTRY_AUTH_FILE OCIMAKE_CA_FILE OCIMAKE_INSECURE_REGISTRIES

# A small tree for an image: TREE with a file and TREE.libs with another.
make_tree() {  # DIR TEXT
  mkdir -p "$1/usr/local/share/app" "$1.libs/usr/lib/app"
  printf '%s\n' "$2" >"$1/usr/local/share/app/message.txt"
  printf 'a library\n' >"$1.libs/usr/lib/app/libapp.txt"
}

# The digest skopeo sees for REF (extra skopeo options after it).
skopeo_digest() {
  local ref=$1; shift
  skopeo inspect --format '{{.Digest}}' "$@" "docker://$ref"
}
