# RUNTIME_PACKAGES on a host build (the host's dpkg, root /): a scratch-based
# image with ca-certificates verifies a certificate chain made here with
# openssl and served on loopback, and fails to verify without the package;
# TZ=Europe/Paris works with tzdata and not without; a package that is not
# installed fails the build with one line naming it.
#
# The test's CA is added to the HOST's trust store for the build (that is
# where ca-certificates' generated bundle is taken from), and removed again
# by a trap on exit, success or failure. That needs root: CI runs as root.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need busybox busybox-static
need openssl openssl
need update-ca-certificates ca-certificates
[ "$(id -u)" -eq 0 ] || fail "this test changes the host's trust store: run it as root (CI does)"
for pkg in ca-certificates openssl tzdata; do
  dpkg -s "$pkg" >/dev/null 2>&1 || apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
    fail "cannot install $pkg"
done

note "a CA and a server certificate for localhost"
mkdir "$T/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$T/tls/ca.key" -out "$T/tls/ca.crt" \
  -subj "/CN=ocimake test CA $$" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$T/tls/server.key" -out "$T/tls/server.csr" \
  -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$T/tls/ext"
openssl x509 -req -in "$T/tls/server.csr" -CA "$T/tls/ca.crt" -CAkey "$T/tls/ca.key" \
  -CAcreateserial -days 2 -extfile "$T/tls/ext" -out "$T/tls/server.crt" 2>/dev/null
chmod 644 "$T/tls/server.key"  # read by the image's non-root user

anchor=/usr/local/share/ca-certificates/ocimake-test-$$.crt
cleanup() {
  rm -f "$anchor"
  update-ca-certificates --fresh >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
cp "$T/tls/ca.crt" "$anchor"
update-ca-certificates >/dev/null 2>&1 || fail "update-ca-certificates"

note "a project with two scratch images, with and without ca-certificates and tzdata"
mkdir "$T/src"
cat >"$T/src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(runtime_packages CXX)
find_package(ocimake REQUIRED)
install(PROGRAMS /bin/busybox DESTINATION bin)
add_container_image(tls-image RUNTIME_PACKAGES ca-certificates openssl tzdata
  ENTRYPOINT /usr/local/bin/busybox TAG tls:1)
add_container_image(bare-image RUNTIME_PACKAGES openssl
  ENTRYPOINT /usr/local/bin/busybox TAG bare:1)
CM
build_example "$T/src" "$T/build"

work="$T/build/CMakeFiles/tls-image.ocimake"
assert_contains "$(cat "$work/packages.txt")" \
  "etc/ssl/certs/ca-certificates.crt	/etc/ssl/certs/ca-certificates.crt" \
  "the bundle update-ca-certificates made"
assert_contains "$(cat "$work/packages.txt")" "usr/share/zoneinfo/Europe/Paris" "tzdata's files"
assert_not_contains "$(cat "$work/packages.txt")" "usr/share/doc/" "no docs"
assert_not_contains "$(cat "$T/build/CMakeFiles/bare-image.ocimake/packages.txt")" \
  "ca-certificates.crt" "openssl alone brings no bundle"
assert_contains "$(cat "$work/libs.txt")" "libssl.so.3" "the closure of the packaged openssl"
history=$("$OCIMAKE" inspect --json "$T/build/tls-image" | python3 -c '
import json, sys
print("|".join(h.get("created_by", "") for h in json.load(sys.stdin)["config"]["history"]))')
assert_contains "$history" \
  "ocimake: runtime libraries|ocimake: runtime packages ca-certificates openssl tzdata|ocimake: install tree" \
  "layer order: libs, packages, app"

# Server and client in one sandbox (it has only loopback); the server says
# ACCEPT once it listens (-www: it does not read its stdin, which is at EOF).
check_tls() {  # check_tls LAYOUT: the client's output and exit status
  "$OCIMAKE" run "$1" --bind "$T/tls:/tls:ro" --command -- /usr/local/bin/busybox sh -c '
    B=/usr/local/bin/busybox
    /usr/bin/openssl s_server -www -accept 127.0.0.1:8443 -cert /tls/server.crt \
      -key /tls/server.key -naccept 1 >/tmp/server.log 2>&1 &
    server=$!
    until $B grep -q ACCEPT /tmp/server.log 2>/dev/null; do
      $B kill -0 $server 2>/dev/null || { $B cat /tmp/server.log; exit 3; }
      $B sleep 0.1
    done
    echo | /usr/bin/openssl s_client -connect 127.0.0.1:8443 -servername localhost \
      -verify_return_error 2>&1
    echo "client exit $?"'
}
note "TLS with ca-certificates"
out=$(check_tls "$T/build/tls-image")
assert_contains "$out" "Verify return code: 0 (ok)" "verification with ca-certificates"
assert_contains "$out" "client exit 0" "s_client with ca-certificates"
assert_contains "$out" "issuer=CN = ocimake test CA $$" "the chain of the test's CA"
note "TLS without ca-certificates"
out=$(check_tls "$T/build/bare-image")
assert_contains "$out" "unable to get local issuer certificate" "verification without the bundle"
assert_not_contains "$out" "client exit 0" "s_client without ca-certificates"

note "TZ"
tz() { "$OCIMAKE" run "$1" --env TZ=Europe/Paris --command -- /usr/local/bin/busybox date -d @0 +%H; }
assert_eq "01" "$(tz "$T/build/tls-image")" "1970-01-01 00:00 UTC in Paris, with tzdata"
assert_eq "00" "$(tz "$T/build/bare-image")" "no zoneinfo without tzdata: UTC"

note "a package that is not installed"
mkdir "$T/bad"
cat >"$T/bad/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(bad_package CXX)
find_package(ocimake REQUIRED)
install(PROGRAMS /bin/busybox DESTINATION bin)
add_container_image(bad-image RUNTIME_PACKAGES no-such-package-xyz
  ENTRYPOINT /usr/local/bin/busybox)
CM
"$CMAKE_COMMAND" -G Ninja -S "$T/bad" -B "$T/bad-build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  >/dev/null || fail "configure bad"
expect_failure out "$CMAKE_COMMAND" --build "$T/bad-build" --target image
line=$(printf '%s\n' "$out" | grep 'no-such-package-xyz: not installed' || true)
assert_one_line "$line"
assert_contains "$line" "RUNTIME_PACKAGES no-such-package-xyz: not installed in / (add it to \
the toolchain's PACKAGES, or apt-get install it on the host for a host build)" "the error"
echo "ok: runtime packages: TLS verifies with ca-certificates only, TZ with tzdata only"
