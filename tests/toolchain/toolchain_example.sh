# examples/toolchain-debian builds while the host lacks yaml-cpp's headers,
# its image runs, its libraries are byte-identical to the rootfs's, and its
# SBOM names their Debian packages as the rootfs's dpkg database does.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap; need umoci umoci; need skopeo skopeo; need buildah buildah
[ ! -e /usr/include/yaml-cpp/yaml.h ] ||
  fail "the host has yaml-cpp's headers: this test proves the build does not need them"
build_example "$OCIMAKE_SOURCE_DIR/examples/toolchain-debian" "$T/build"
layout="$T/build/yaml-greeter-image"
work="$T/build/CMakeFiles/yaml-greeter-image.ocimake"
rootfs=$(cat "$T/build/CMakeFiles/ocimake-toolchains/bookworm-yaml.rootfs")
[ -e "$rootfs/usr/include/yaml-cpp/yaml.h" ] || fail "the toolchain lacks yaml-cpp's headers"

note "the image runs in ocimake's sandbox"
assert_eq "hello, CI!" "$("$OCIMAKE" run "$layout" -- --name CI)" "ocimake run"

note "its libraries are the rootfs's, byte for byte"
umoci unpack --rootless --image "$layout:1.0" "$T/bundle" >/dev/null 2>&1 || fail umoci
count=0
while IFS=$'\t' read -r dest src; do
  case $dest in '#'*) continue ;; esac
  case $src in "$rootfs"/*) ;; *) fail "$dest comes from $src, outside the toolchain" ;; esac
  if [ -L "$src" ]; then
    assert_eq "$(readlink "$src")" "$(readlink "$T/bundle/rootfs/$dest")" "link $dest"
  else
    cmp -s "$src" "$T/bundle/rootfs/$dest" || fail "$dest differs from the rootfs's copy"
    count=$((count + 1))
  fi
done <"$work/libs.txt"
grep -q "libyaml-cpp.so.0.7	" "$work/libs.txt" || fail "libyaml-cpp missing from the closure"
[ "$count" -ge 6 ] || fail "only $count library files compared"

note "its SBOM names libyaml-cpp's package and version as the rootfs's dpkg does"
sbom="$T/build/yaml-greeter-image.spdx.json"
version=$(dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f='${Version}' libyaml-cpp0.7)
found=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(p["name"] + "@" + p["versionInfo"] for p in d["packages"]))' "$sbom")
assert_contains "$found" "libyaml-cpp0.7@$version" "the SBOM's packages"
assert_contains "$found" "bookworm-yaml@GNU-" "the SBOM's toolchain"

note "real clients: skopeo, buildah"
skopeo inspect "oci:$layout:1.0" >/dev/null || fail "skopeo inspect"
ctr=$(buildah from "oci:$layout:1.0")
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
assert_eq "hello, buildah!" "$(buildah run --isolation chroot "$ctr" /usr/local/bin/yaml-greeter --name buildah)"

note "the project's CTest smoke test (add_container_test) passes"
out=$(ctest --test-dir "$T/build" --output-on-failure 2>&1) || fail "ctest: $out"
assert_contains "$out" "yaml-greeter-says-hello" "ctest output"
assert_contains "$out" "100% tests passed" "ctest output"
echo "ok: built in the toolchain; $count libraries identical to the rootfs's"
