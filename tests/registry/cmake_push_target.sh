# The CMake module: BASE given as a registry reference is accepted at
# configure time and pulled at build time; PUSH_TO and the <name>-push target
# push the built image; the digest matches what skopeo sees.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
make_tree "$T/base-tree" "cmake base"
build_image "$T/base" "$T/base-tree" scratch base >/dev/null
base=$("$OCIMAKE" push "$T/base" "$REG_HOST/cmake/base:1")

"$CMAKE_COMMAND" -G Ninja -S "$OCIMAKE_TESTS_DIR/registry/project" -B "$T/build" \
  -Docimake_DIR="$OCIMAKE_BUILD_DIR" -DGREET_BASE="$REG_HOST/cmake/base@$base" \
  -DGREET_PUSH_TO="$REG_HOST/cmake/greet:1.0" -DOCIMAKE_CACHE_DIR="$T/cmake-cache" \
  >"$T/configure.log" 2>&1 ||
  { cat "$T/configure.log"; fail "configure"; }
"$CMAKE_COMMAND" --build "$T/build" --target greet-image-push >"$T/build.log" 2>&1 ||
  { cat "$T/build.log"; fail "build greet-image-push"; }
built=$(cat "$T/build/CMakeFiles/greet-image.ocimake/image.digest")
assert_eq "$built" "$(skopeo_digest "$REG_HOST/cmake/greet:1.0" --tls-verify=false)" "pushed image"
expected=$(manifest_layers "$T/base")
assert_eq "$expected" "$(manifest_layers "$T/build/greet-image" | sed -n "1,$(printf '%s\n' "$expected" | wc -l)p")" \
  "the image starts with the base's layers"
# The module's OCIMAKE_CACHE_DIR is where the base was pulled to.
assert_contains "$(cat "$T/cmake-cache/oci/index.json")" "$REG_HOST/cmake/base@$base"
[ ! -e "$OCIMAKE_CACHE_DIR/oci" ] || fail "the base went to \$OCIMAKE_CACHE_DIR, not the module's cache"

# Pushing again is a no-op upload-wise.
off=$(log_size)
"$CMAKE_COMMAND" --build "$T/build" --target greet-image-push >"$T/build2.log" 2>&1 ||
  { cat "$T/build2.log"; fail "second greet-image-push"; }
assert_eq 0 "$(log_count "$off" "PUT /v2/cmake/greet/blobs/uploads/")" "uploads on the second push"

note "the SBOM and the provenance went with the image, as OCI 1.1 referrers"
# docker-registry 2.8 has no referrers API (404): the pusher keeps the
# referrers tag sha256-<hex> instead, an index listing both artifacts.
api=$(curl -s -o /dev/null -w '%{http_code}' "http://$REG_HOST/v2/cmake/greet/referrers/$built")
assert_eq 404 "$api" "docker-registry's referrers API (none)"
curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json' \
  "http://$REG_HOST/v2/cmake/greet/manifests/sha256-${built#sha256:}" >"$T/referrers.json" ||
  fail "no referrers tag sha256-${built#sha256:}"
python3 - "$T/referrers.json" "$built" "http://$REG_HOST/v2/cmake/greet" <<'PY' || fail "referrers tag"
import json, sys, urllib.request
index, subject, base = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
types = sorted(m.get("artifactType", "") for m in index["manifests"])
assert types == ["application/spdx+json", "application/vnd.in-toto+json"], types
for m in index["manifests"]:
    req = urllib.request.Request(base + "/manifests/" + m["digest"],
                                 headers={"Accept": m["mediaType"]})
    doc = json.load(urllib.request.urlopen(req))
    assert doc["subject"]["digest"] == subject, doc["subject"]
    assert doc["artifactType"] == m["artifactType"], doc
    assert doc["config"]["mediaType"] == "application/vnd.oci.empty.v1+json", doc["config"]
    assert [l["mediaType"] for l in doc["layers"]] == [m["artifactType"]], doc["layers"]
PY
"$OCIMAKE" sbom "$REG_HOST/cmake/greet:1.0" >"$T/pulled.spdx.json" || fail "ocimake sbom <ref>"
cmp -s "$T/build/greet-image.spdx.json" "$T/pulled.spdx.json" ||
  fail "ocimake sbom <ref> printed another document than the build's greet-image.spdx.json"
"$OCIMAKE" sbom "$REG_HOST/cmake/greet@$built" --provenance -o "$T/pulled.provenance.json"
cmp -s "$T/build/greet-image.provenance.json" "$T/pulled.provenance.json" ||
  fail "ocimake sbom --provenance <ref@digest>: another document than the build's"
# --verify on an image with a base: the base's layer is not the SBOM's.
out=$("$OCIMAKE" sbom "$REG_HOST/cmake/greet:1.0" --verify --cache "$T/verify-cache") ||
  fail "ocimake sbom <ref> --verify: $out"
assert_contains "$out" "own layer(s) (above $(manifest_layers "$T/base" | wc -l) of its base)" "--verify of the pushed image"
off=$(log_size)
"$CMAKE_COMMAND" --build "$T/build" --target greet-image-push >"$T/build3.log" 2>&1 ||
  { cat "$T/build3.log"; fail "third greet-image-push"; }
curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json' \
  "http://$REG_HOST/v2/cmake/greet/manifests/sha256-${built#sha256:}" >"$T/referrers2.json"
cmp -s "$T/referrers.json" "$T/referrers2.json" || fail "a re-push changed the referrers tag"
skopeo copy -q --src-tls-verify=false "docker://$REG_HOST/cmake/greet:1.0" "oci:$T/copy:1" ||
  fail "skopeo copy of the image with referrers"
assert_eq "$built" "$(layout_digest "$T/copy:1")" "skopeo copy's image"
expect_failure out "$OCIMAKE" sbom "$REG_HOST/cmake/base:1"
assert_contains "$out" "no application/spdx+json refers to it"
