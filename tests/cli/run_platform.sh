# A multi-platform image made by hand (`ocimake layer`, `ocimake image
# --platform --untagged`, `ocimake index`): an arm64 image of Debian's static
# busybox and an amd64 one. `run --platform linux/arm64` runs it under the
# host's qemu-user; `export --platform` gives a docker-archive skopeo reads as
# arm64; `inspect` lists both platforms. An index without the host's
# platform: export needs --platform, inspect shows the first.
. "$OCIMAKE_TESTS_DIR/lib.sh"
[ "$(uname -m)" = x86_64 ] ||
  fail "this test emulates arm64 next to a native amd64 image: it needs an x86_64 host"
need skopeo skopeo
need file file
need qemu-aarch64-static qemu-user-static
need apt-get apt

# Debian's arm64 busybox-static, fetched with a private apt state (this
# host's sources, arm64 package lists kept in the suite's cache), so the
# host's dpkg architectures are left alone.
busybox_arm64() {
  local apt="$OCIMAKE_CACHE_DIR/test-apt-arm64" deb
  deb=$(ls "$apt"/busybox-static_*_arm64.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial"
    local opts=(-q -o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache"
      -o Dir::State::status=/dev/null -o APT::Architecture=arm64
      -o APT::Architectures::=arm64 -o "APT::Sandbox::User=$(id -un)")
    apt-get "${opts[@]}" update >"$T/apt.log" 2>&1 &&
      (cd "$apt" && apt-get "${opts[@]}" download busybox-static:arm64) >>"$T/apt.log" 2>&1 ||
      { cat "$T/apt.log"; fail "apt-get download busybox-static:arm64"; }
    deb=$(ls "$apt"/busybox-static_*_arm64.deb | head -n1)
  fi
  dpkg-deb -x "$deb" "$T/deb"
  mkdir -p "$T/arm/bin"
  cp "$T/deb/bin/busybox" "$T/arm/bin/busybox"
  for applet in sh uname echo; do ln -s busybox "$T/arm/bin/$applet"; done
}
busybox_arm64
file "$T/arm/bin/busybox" | grep -q 'ARM aarch64' || fail "busybox is not an arm64 binary"

note "an arm64 and an amd64 image, untagged, then an index of both"
echo '{"entrypoint":["uname","-m"],"env":["PATH=/usr/bin:/bin"]}' >"$T/arm.json"
"$OCIMAKE" layer --tree "$T/arm" --layout "$T/img" --output "$T/arm.layer.json"
"$OCIMAKE" image --layout "$T/img" --layer "$T/arm.layer.json" --settings "$T/arm.json" \
  --platform linux/arm64 --untagged --digest-file "$T/arm.digest" >/dev/null
mkdir -p "$T/amd/etc"; echo amd64 >"$T/amd/etc/which"
"$OCIMAKE" layer --tree "$T/amd" --layout "$T/img" --output "$T/amd.layer.json"
"$OCIMAKE" image --layout "$T/img" --layer "$T/amd.layer.json" --platform linux/amd64 \
  --untagged --digest-file "$T/amd.digest" >/dev/null
"$OCIMAKE" index --layout "$T/img" --manifest "$T/amd.digest" --manifest "$T/arm.digest" \
  --tag multi >/dev/null
arm=$(cat "$T/arm.digest"); amd=$(cat "$T/amd.digest")

note "run --platform linux/arm64: under qemu-user, the entrypoint found on the image's PATH"
out=$("$OCIMAKE" run "$T/img:multi" --platform linux/arm64)
assert_eq "aarch64" "$out" "uname -m of the emulated image"
out=$("$OCIMAKE" run "$T/img:multi" --platform linux/arm64 --command -- echo hello arm64)
assert_eq "hello arm64" "$out" "--command under qemu-user"
expect_failure out "$OCIMAKE" run "$T/img:multi" --platform linux/s390x
assert_one_line "$out"
assert_contains "$out" "no image for platform linux/s390x (the index has: linux/amd64, linux/arm64)"

note "export --platform: a docker-archive of the arm64 image"
"$OCIMAKE" export "$T/img:multi" --platform linux/arm64 --output "$T/arm.tar"
arch() {  # the architecture skopeo reads from a docker-archive
  skopeo inspect "docker-archive:$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Architecture"])'
}
assert_eq arm64 "$(arch "$T/arm.tar")" "architecture of the exported archive"
"$OCIMAKE" export "$T/img:multi" --output "$T/host.tar"
assert_eq amd64 "$(arch "$T/host.tar")" "export without --platform: the host's"

note "inspect: the platforms block, then the chosen manifest"
out=$("$OCIMAKE" inspect "$T/img:multi")
assert_contains "$out" "platforms 2"
assert_contains "$out" "  * linux/amd64    $amd"
assert_contains "$out" "    linux/arm64    $arm"
assert_contains "$out" "manifest  $amd"
out=$("$OCIMAKE" inspect "$T/img:multi" --platform linux/arm64)
assert_contains "$out" "  * linux/arm64    $arm"
assert_contains "$out" "platform  linux/arm64"
assert_contains "$out" "entrypoint uname -m"
out=$("$OCIMAKE" inspect "$T/img" --platform linux/arm64 --json)
assert_contains "$out" "\"digest\":\"$arm\""

note "an index without the host's platform"
"$OCIMAKE" index --layout "$T/img" --manifest "$T/arm.digest" --tag armonly >/dev/null
expect_failure out "$OCIMAKE" export "$T/img:armonly" --output "$T/x.tar"
assert_one_line "$out"
assert_contains "$out" "no image for platform linux/amd64 (the index has: linux/arm64)"
[ ! -e "$T/x.tar" ] || fail "a failed export left $T/x.tar"
out=$("$OCIMAKE" inspect "$T/img:armonly")
assert_contains "$out" "  * linux/arm64    $arm"
assert_contains "$out" "platform  linux/arm64"

note "a single image is run whatever its platform; --platform must then be its own"
"$OCIMAKE" image --layout "$T/single" --layer "$T/arm.layer.json" --layer-store "$T/img" \
  --settings "$T/arm.json" --platform linux/arm64 --tag arm >/dev/null
assert_eq "aarch64" "$("$OCIMAKE" run "$T/single")" "a single arm64 image, no --platform"
expect_failure out "$OCIMAKE" export "$T/single" --platform linux/amd64 --output "$T/x.tar"
assert_one_line "$out"
echo "ok"
