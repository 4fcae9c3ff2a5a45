# examples/multiplatform: one declaration, an image index for linux/amd64 and
# linux/arm64, the arm64 build cross-compiled in one multiarch toolchain and
# its tests run under qemu-user. Checked with the real clients (skopeo,
# umoci), a real registry, a second build directory, an edit and bad input.
. "$OCIMAKE_TESTS_DIR/lib.sh"
cache=$OCIMAKE_CACHE_DIR
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
export OCIMAKE_CACHE_DIR=$cache  # the suite's: the toolchain is made once
need mmdebstrap mmdebstrap; need skopeo skopeo; need umoci umoci; need readelf binutils
need qemu-aarch64-static qemu-user-static

build_example "$OCIMAKE_SOURCE_DIR/examples/multiplatform" "$T/build"
layout="$T/build/cross-greeter-image"
work="$T/build/CMakeFiles/cross-greeter-image.ocimake"
rootfs=$(cat "$T/build/CMakeFiles/ocimake-toolchains/bookworm-cross.rootfs")

note "the layout holds an index of linux/amd64 and linux/arm64"
raw=$(skopeo inspect --raw "oci:$layout:1.0") || fail "skopeo inspect --raw"
platforms=$(printf '%s' "$raw" | python3 -c '
import json, sys
index = json.load(sys.stdin)
assert index["mediaType"] == "application/vnd.oci.image.index.v1+json", index["mediaType"]
print(" ".join(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in index["manifests"]))')
assert_eq "linux/amd64 linux/arm64" "$platforms" "the index's platforms"
skopeo copy -q --all "oci:$layout:1.0" "oci:$T/copy:all" || fail "skopeo copy --all"
assert_eq "$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)" \
  "$(skopeo inspect --raw "oci:$T/copy:all" | sha256sum | cut -d' ' -f1)" "copied index"

# check_platform PLATFORM DEBIAN MULTIARCH ELF-MACHINE UNAME
check_platform() {
  local platform=$1 debian=$2 multiarch=$3 machine=$4
  note "$platform: config, entrypoint machine, libraries from /usr/lib/$multiarch"
  local config
  config=$(skopeo inspect --config --override-arch "$debian" "oci:$T/copy:all") ||
    fail "skopeo inspect --config $platform"
  assert_contains "$config" "\"architecture\": \"${platform#linux/}\"" "$platform config"
  rm -rf "$T/bundle"
  umoci unpack --rootless --platform "$platform" --image "$T/copy:all" "$T/bundle" >/dev/null 2>&1 ||
    skopeo copy -q --override-arch "$debian" "oci:$T/copy:all" "oci:$T/one-$debian:one" ||
    fail "taking $platform out of the index"
  if [ ! -d "$T/bundle" ]; then
    umoci unpack --rootless --image "$T/one-$debian:one" "$T/bundle" >/dev/null 2>&1 ||
      fail "umoci unpack $platform"
  fi
  assert_contains "$(readelf -h "$T/bundle/rootfs/usr/local/bin/greeter")" "$machine" \
    "$platform entrypoint's ELF machine"
  local count=0 dest src
  while IFS=$'\t' read -r dest src; do
    case $dest in '#'*) continue ;; esac
    [ -L "$src" ] && continue
    case $src in "$rootfs"/usr/lib/"$multiarch"/*) ;;
      *) fail "$platform: $dest comes from $src, not the rootfs's /usr/lib/$multiarch" ;; esac
    cmp -s "$src" "$T/bundle/rootfs/$dest" || fail "$platform: $dest differs from $src"
    count=$((count + 1))
  done <"$work/$debian/libs.txt"
  grep -q "libfmt.so.9" "$work/$debian/libs.txt" || fail "$platform: no libfmt in the closure"
  [ "$count" -ge 5 ] || fail "$platform: only $count library files compared"
}
check_platform linux/amd64 amd64 x86_64-linux-gnu "X86-64"
check_platform linux/arm64 arm64 aarch64-linux-gnu "AArch64"

note "the arm64 image runs under qemu; TEST_STAGE ran the arm64 tests under it"
assert_eq "hello, CI, from aarch64!" \
  "$("$OCIMAKE" run "$layout:cross-greeter:1.0" --platform linux/arm64 -- --name CI)"
assert_eq "hello, CI, from x86_64!" "$("$OCIMAKE" run "$layout:cross-greeter:1.0" -- --name CI)"
inner="$T/build/CMakeFiles/ocimake-inner/bookworm-cross.cross-greeter.arm64"
assert_contains "$(cat "$inner/CTestTestfile.cmake")" "/usr/bin/qemu-aarch64-static" "the arm64 tests run under the emulator"
assert_contains "$(cat "$inner"/Testing/Temporary/LastTest.log)" "greeter-self-test" "arm64 ctest"
out=$(ctest --test-dir "$T/build" --output-on-failure 2>&1) || fail "ctest: $out"
assert_contains "$out" "cross-greeter-says-hello.linux-arm64" "per-platform test"
assert_contains "$out" "cross-greeter-says-hello.linux-amd64" "per-platform test"
out=$(ctest --test-dir "$T/build" -L linux/arm64 2>&1) || fail "ctest -L: $out"
assert_contains "$out" "cross-greeter-says-hello.linux-arm64" "the linux/arm64 label"
assert_not_contains "$out" "cross-greeter-says-hello.linux-amd64" "the linux/arm64 label"

note "-archive writes one docker-archive per platform"
"$CMAKE_COMMAND" --build "$T/build" --target cross-greeter-image-archive >/dev/null ||
  fail "archive target"
assert_contains "$(skopeo inspect --config "docker-archive:$T/build/cross-greeter-image-linux-arm64.tar")" \
  '"architecture": "arm64"' "the arm64 archive"

note "pushed to a registry: the same index; pulled back as a BASE per platform"
private_registry "$T/reg" http
"$OCIMAKE" push "$layout:cross-greeter:1.0" "$REG_HOST/cross/greeter:1" \
  >/dev/null || fail push
remote=$(skopeo inspect --raw --tls-verify=false "docker://$REG_HOST/cross/greeter:1" |
  sha256sum | cut -d' ' -f1)
assert_eq "$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)" "$remote" "the pushed index"
note "an SBOM per platform, attached to its manifest, pushed and read back"
for arch in amd64 arm64; do
  file="$T/build/cross-greeter-image.linux-$arch.spdx.json"
  grep -q "pkg:deb/debian/libfmt9@[^\"]*?arch=$arch\"" "$file" ||
    fail "$file: no libfmt9 of $arch"
  "$OCIMAKE" sbom "$layout:1.0" --platform "linux/$arch" >"$T/layout-$arch.spdx.json"
  cmp -s "$file" "$T/layout-$arch.spdx.json" || fail "ocimake sbom --platform linux/$arch (layout)"
  "$OCIMAKE" sbom "$REG_HOST/cross/greeter:1" --platform "linux/$arch" >"$T/reg-$arch.spdx.json"
  cmp -s "$file" "$T/reg-$arch.spdx.json" || fail "ocimake sbom --platform linux/$arch (registry)"
  "$OCIMAKE" sbom "$layout:1.0" --platform "linux/$arch" --verify >/dev/null ||
    fail "ocimake sbom --verify --platform linux/$arch"
done
"$OCIMAKE" sbom "$REG_HOST/cross/greeter:1" --provenance >"$T/reg.provenance.json"
cmp -s "$T/build/cross-greeter-image.provenance.json" "$T/reg.provenance.json" ||
  fail "the provenance of the index, from the registry"
mkdir -p "$T/on-base"
cat >"$T/on-base/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(on-base LANGUAGES NONE)
find_package(ocimake REQUIRED)
add_container_toolchain(bookworm-cross DEBIAN bookworm PACKAGES g++ cmake ninja-build libfmt-dev
  PLATFORMS linux/amd64 linux/arm64)
add_container_image(on-base-image TOOLCHAIN bookworm-cross PLATFORMS linux/amd64 linux/arm64
  BASE $REG_HOST/cross/greeter:1 ENTRYPOINT /usr/local/bin/greeter)
install(FILES CMakeLists.txt DESTINATION share/on-base)
EOF
export OCIMAKE_INSECURE_REGISTRIES=$REG_HOST
build_example "$T/on-base" "$T/on-base-build"
for arch in amd64 arm64; do
  base_layers=$(skopeo inspect --override-arch $arch --tls-verify=false \
    "docker://$REG_HOST/cross/greeter:1" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["Layers"]))')
  layers=$(skopeo inspect --override-arch $arch "oci:$T/on-base-build/on-base-image:latest" |
    python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["Layers"]))')
  case "$layers" in "$base_layers "*) ;; *) fail "$arch: the base's $arch layers do not come first" ;; esac
done
assert_eq "hello, base, from aarch64!" "$("$OCIMAKE" run "$T/on-base-build/on-base-image" \
  --platform linux/arm64 -- --name base)"

note "reproducible: a second build directory gives the same index digest"
cp -r "$OCIMAKE_SOURCE_DIR/examples/multiplatform" "$T/src2"
build_example "$T/src2" "$T/build2"
assert_eq "$(cat "$work/image.digest")" \
  "$(cat "$T/build2/CMakeFiles/cross-greeter-image.ocimake/image.digest")" "index digest"

note "incremental: an edit recompiles once per platform, re-packs only the app layers"
libs_before=$(cat "$T/build2/CMakeFiles/cross-greeter-image.ocimake"/*/libs.layer.json | sha256sum)
app_before=$(cat "$T/build2/CMakeFiles/cross-greeter-image.ocimake"/*/app.layer.json | sha256sum)
sed -i 's/hello, /hi, /' "$T/src2/main.cpp"
out=$("$CMAKE_COMMAND" --build "$T/build2" --target image 2>&1) || fail "rebuild: $out"
assert_eq 2 "$(printf '%s\n' "$out" | grep -c 'Building CXX object CMakeFiles/greeter.dir/main.cpp.o')" \
  "main.cpp compiled once per platform"
assert_eq "$libs_before" \
  "$(cat "$T/build2/CMakeFiles/cross-greeter-image.ocimake"/*/libs.layer.json | sha256sum)" "libs layers"
assert_ne "$app_before" \
  "$(cat "$T/build2/CMakeFiles/cross-greeter-image.ocimake"/*/app.layer.json | sha256sum)" "app layers"
assert_eq "hi, again, from aarch64!" "$("$OCIMAKE" run "$T/build2/cross-greeter-image" \
  --platform linux/arm64 -- --name again)"
assert_contains "$(ninja -C "$T/build2" -n image)" "no work to do" "no-op build"

note "bad input: each a one-line error, a non-zero exit, no layout written"
bad() {  # NAME CMAKE-TEXT EXPECTED [configure|build]
  local dir="$T/bad-$1"
  mkdir -p "$dir"
  printf 'cmake_minimum_required(VERSION 3.25)\nproject(bad LANGUAGES NONE)\nfind_package(ocimake REQUIRED)\n%s\n' \
    "$2" >"$dir/CMakeLists.txt"
  if [ "${4:-configure}" = configure ]; then
    out=$("$CMAKE_COMMAND" -G Ninja -S "$dir" -B "$dir/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" 2>&1) &&
      fail "$1: configured"
  else
    "$CMAKE_COMMAND" -G Ninja -S "$dir" -B "$dir/b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" >/dev/null 2>&1 ||
      fail "$1: configure"
    out=$("$CMAKE_COMMAND" --build "$dir/b" --target image 2>&1) && fail "$1: built"
    [ ! -e "$dir/b/bad-image/index.json" ] || fail "$1: a layout was written"
  fi
  out=$(printf '%s\n' "$out" | tr '\n' ' ' | tr -s ' ')  # CMake wraps its messages
  assert_contains "$out" "$3" "$1"
}
toolchain='add_container_toolchain(bookworm-cross DEBIAN bookworm PACKAGES g++ cmake ninja-build libfmt-dev PLATFORMS linux/amd64 linux/arm64)'
bad unknown "add_container_image(bad-image PLATFORMS linux/m68k)" \
  "PLATFORMS linux/m68k: not a platform ocimake builds for (expected one of linux/amd64, linux/arm64"
bad suite "add_container_toolchain(t DEBIAN bookworm PLATFORMS linux/riscv64)" \
  "PLATFORMS linux/riscv64: Debian bookworm does not ship it"
bad undeclared "add_container_toolchain(t DEBIAN bookworm)
add_container_image(bad-image TOOLCHAIN t PLATFORMS linux/arm64)" \
  "TOOLCHAIN t was not declared with it"
mkdir -p "$T/base-tree/etc"
echo base >"$T/base-tree/etc/base.txt"
"$OCIMAKE" layer --tree "$T/base-tree" --layout "$T/base-store" --output "$T/base.json" >/dev/null
"$OCIMAKE" image --layout "$T/amd64-base" --layer-store "$T/base-store" --layer "$T/base.json" \
  --platform linux/amd64 --tag base:1 >/dev/null || fail "an amd64 base"
bad base "$toolchain
add_container_image(bad-image TOOLCHAIN bookworm-cross PLATFORMS linux/amd64 linux/arm64
  BASE $T/amd64-base:base:1)
install(FILES CMakeLists.txt DESTINATION share)" \
  "amd64-base:base:1: no image for platform linux/arm64 (the index has: linux/amd64)" build
bad machine "$toolchain
add_container_image(bad-image TOOLCHAIN bookworm-cross PLATFORMS linux/arm64)
install(PROGRAMS /usr/bin/ninja DESTINATION bin)" \
  "/usr/local/bin/ninja: an ELF file for linux/amd64 in the image for linux/arm64" build
echo "ok: an index of two platforms, cross-built, emulated tests, pushed and used as a base"
