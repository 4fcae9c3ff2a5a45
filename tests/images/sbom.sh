# The SBOM of the fmt-greeter image (built on the host, whose root is /):
# valid against the SPDX 2.3 schema; each closure library belongs to the
# package and version `dpkg -S` and `dpkg-query -W` give; every regular file
# of the image (scratch base: all its layers are its own) is in it with its
# sha256, and nothing else is; a second build directory writes the same bytes.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
need skopeo skopeo
need dpkg-query dpkg
need_python_module jsonschema python3-jsonschema
build_example "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/build"
sbom="$T/build/greeter-image.spdx.json"
[ -f "$sbom" ] || fail "the image target wrote no $sbom"

python3 -c 'import json,sys,jsonschema; jsonschema.Draft201909Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
  "$OCIMAKE_SOURCE_DIR/tests/schemas/spdx-2.3.schema.json" "$sbom" ||
  fail "$sbom is not valid SPDX 2.3"

# "<fileName> <sha256> <package name> <package version>" per file of the SBOM.
python3 - "$sbom" >"$T/files.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
packages = {p["SPDXID"]: p for p in doc["packages"]}
owner = {r["relatedSpdxElement"]: packages[r["spdxElementId"]] for r in doc["relationships"]
         if r["relationshipType"] == "CONTAINS" and r["spdxElementId"] in packages
         and r["relatedSpdxElement"].startswith("SPDXRef-File-")}
for f in doc["files"]:
    sha = [c["checksumValue"] for c in f["checksums"] if c["algorithm"] == "SHA256"][0]
    p = owner[f["SPDXID"]]
    print(f["fileName"][2:], sha, p["name"], p["versionInfo"])
PY

# Every closure library: the package dpkg names (its list may name the
# merged-/usr alias) and that package's installed version.
libs=0
while IFS=$'\t' read -r dest source _; do
  case "$dest" in '#'*|'') continue ;; esac
  [ -f "$source" ] && [ ! -L "$source" ] || continue
  pkg=$(dpkg -S "$source" 2>/dev/null || dpkg -S "${source#/usr}" 2>/dev/null) ||
    fail "dpkg -S finds no package of $source"
  pkg=${pkg%%:*}
  version=$(dpkg-query -W -f='${Version}' "$pkg")
  line=$(grep "^$dest " "$T/files.txt" || true)
  [ -n "$line" ] || fail "closure library $dest is not in the SBOM"
  assert_eq "$pkg $version" "$(echo "$line" | cut -d' ' -f3-)" "package of $dest"
  libs=$((libs + 1))
done <"$T/build/CMakeFiles/greeter-image.ocimake/libs.txt"
[ "$libs" -ge 5 ] || fail "only $libs closure libraries checked (libfmt, libstdc++, libc, libm, libgcc_s, the loader)"

# Every regular file of the image, with its sha256, and no other file.
umoci unpack --rootless --image "$T/build/greeter-image:1.0" "$T/bundle" >/dev/null 2>&1 ||
  fail "umoci unpack"
(cd "$T/bundle/rootfs" && find . -type f | sed 's|^\./||' | sort |
  while read -r f; do echo "$f $(sha "$f")"; done) >"$T/image-files.txt"
assert_eq "$(cat "$T/image-files.txt")" "$(cut -d' ' -f1,2 "$T/files.txt" | sort)" \
  "the image's regular files and their sha256"
assert_contains "$(cat "$T/files.txt")" "usr/local/bin/greeter" "the app in the SBOM"
grep -q "^usr/local/bin/greeter .* fmt-greeter NOASSERTION$" "$T/files.txt" ||
  fail "the app should belong to the project's package (fmt-greeter)"

# The completeness check: a RUNTIME_PACKAGES file that neither the package
# nor any other lists (nor its directory) fails, naming the file, writing nothing.
printf 'usr/local/bin/greeter\t/nowhere\n' >"$T/packages.txt"
expect_failure out "$OCIMAKE" sbom-write "$T/build/greeter-image:greeter:1.0" --project p \
  --package-entries "$T/packages.txt" --runtime-package tzdata -o "$T/bad.spdx.json"
assert_one_line "$out"
assert_contains "$out" "/usr/local/bin/greeter" "the error"
[ ! -e "$T/bad.spdx.json" ] || fail "a failed check wrote $T/bad.spdx.json"

# Attached in the layout: index.json lists the image, then the SBOM and the
# provenance as OCI 1.1 artifacts whose subject is the image's manifest;
# `ocimake sbom` prints them back; the image alone is still "the" image.
layout="$T/build/greeter-image"
digest=$(cat "$T/build/CMakeFiles/greeter-image.ocimake/image.digest")
python3 - "$layout" "$digest" <<'PY' || fail "the artifacts in $layout/index.json"
import json, sys
layout, subject = sys.argv[1], sys.argv[2]
entries = json.load(open(layout + "/index.json"))["manifests"]
assert entries[0]["digest"] == subject and "artifactType" not in entries[0], entries[0]
assert sorted(e.get("artifactType") for e in entries[1:]) == \
    ["application/spdx+json", "application/vnd.in-toto+json"], entries
for e in entries[1:]:
    m = json.load(open(layout + "/blobs/sha256/" + e["digest"][7:]))
    assert m["subject"]["digest"] == subject and m["artifactType"] == e["artifactType"], m
    assert m["layers"][0]["annotations"]["org.opencontainers.image.title"].startswith("greeter-image."), m
PY
"$OCIMAKE" sbom "$layout" >"$T/attached.spdx.json" || fail "ocimake sbom $layout"
cmp -s "$sbom" "$T/attached.spdx.json" || fail "ocimake sbom printed another document"
"$OCIMAKE" sbom "$layout:1.0" --provenance -o "$T/attached.provenance.json"
cmp -s "$T/build/greeter-image.provenance.json" "$T/attached.provenance.json" ||
  fail "ocimake sbom --provenance printed another statement"
assert_eq "$digest" "$(layout_digest "$layout")" "the layout's one image (artifacts are no images)"
skopeo_out=$(skopeo inspect --format '{{.Digest}}' "oci:$layout:1.0" 2>&1) || fail "skopeo: $skopeo_out"
assert_eq "$digest" "$skopeo_out" "skopeo inspect oci:$layout:1.0"
# --verify: the image's files against the attached SBOM; a tampered copy
# (a file dropped, another's sha256 changed) fails naming both.
out=$("$OCIMAKE" sbom "$layout" --verify) || fail "ocimake sbom --verify: $out"
assert_contains "$out" "verified: the $(wc -l <"$T/image-files.txt") regular files" "--verify"
python3 - "$sbom" "$T/tampered.spdx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dropped = d["files"].pop(0)["fileName"]
d["files"][0]["checksums"] = [{"algorithm": "SHA256", "checksumValue": "0" * 64}]
json.dump(d, open(sys.argv[2], "w"))
print(dropped[1:], d["files"][0]["fileName"][1:], file=open(sys.argv[2] + ".names", "w"))
PY
read -r dropped changed <"$T/tampered.spdx.json.names"
expect_failure out "$OCIMAKE" sbom "$layout" --verify --sbom-file "$T/tampered.spdx.json"
assert_contains "$out" "$dropped: in the image, not in the SBOM" "--verify, a file left out"
assert_contains "$out" "$changed: sha256 " "--verify, a wrong sha256"
assert_contains "$out" "the SBOM does not account for the image: 2 difference(s)" "--verify"
# A no-op build keeps them (unit ReferrersTest.*: a new image drops the old ones).
"$CMAKE_COMMAND" --build "$T/build" --target image >/dev/null || fail "no-op build"
assert_eq 3 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["manifests"]))' "$layout/index.json")" \
  "index.json entries after a no-op build"
expect_failure out "$OCIMAKE" sbom "$T/build/greeter-image" --artifact sha256:0000
assert_one_line "$out"
assert_contains "$out" "no application/spdx+json refers to it with digest sha256:0000"

# A local base is named by its layout's name and tag, not by its path (which
# differs between build directories); the image as its own base lists no file.
"$OCIMAKE" sbom-write "$layout:1.0" --base "$layout:1.0" --libs /dev/null --project p \
  -o "$T/on-local-base.spdx.json" || fail "sbom-write with a local base"
python3 - "$T/on-local-base.spdx.json" "$T" <<'PY' || fail "the local base's name"
import json, sys
doc, tmp = json.load(open(sys.argv[1])), sys.argv[2]
names = [p["name"] for p in doc["packages"]]
assert "greeter-image:1.0" in names, names
assert tmp not in open(sys.argv[1]).read(), "the base's path is in the SBOM"
assert not doc.get("files"), doc.get("files")
PY

# The layers' files are kept beside the document for the next run (an edit
# re-reads only the layers that changed); the document is the same bytes as
# one written with no cache, and a damaged cache is ignored.
[ -s "$T/build/.greeter-image.spdx.json.layers" ] || fail "no layer cache beside the SBOM"
command=$(ninja -C "$T/build" -t commands greeter-image | grep ' sbom-write ' | tail -1)
command=${command/ -o $sbom/ -o $T/again.spdx.json}
command=${command/ --attach/}
sh -c "$command" || fail "sbom-write into $T/again.spdx.json"
cmp "$sbom" "$T/again.spdx.json" || fail "sbom-write with no cache wrote another document"
cache="$T/.again.spdx.json.layers"
app_sha=$(grep -m1 -o '^f [0-9a-f]\{64\}' "$cache" | cut -c3-)
sed -i "s/^f $app_sha /f $(printf '0%.0s' $(seq 64)) /" "$cache"
sh -c "$command" || fail "sbom-write from the cache"
assert_contains "$(cat "$T/again.spdx.json")" "$(printf '0%.0s' $(seq 64))" \
  "the layers were not read again (the cache's digest is in the document)"
echo "not a cache" >"$cache"
sh -c "$command" || fail "sbom-write past a damaged cache"
cmp "$sbom" "$T/again.spdx.json" || fail "sbom-write past a damaged cache wrote another document"

# The same sources in another build directory: the same bytes.
build_example "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/build2"
cmp "$sbom" "$T/build2/greeter-image.spdx.json" || fail "two builds wrote different SBOMs"
cmp "$layout/index.json" "$T/build2/greeter-image/index.json" ||
  fail "two builds wrote different index.json (artifacts included)"
echo "ok: valid SPDX 2.3, $libs closure libraries with dpkg's package and version, every file with its sha256, attached (ocimake sbom), reproducible"
