# The same project built in two build directories (different absolute paths,
# source mtimes, umasks and compression thread counts) gives the same
# manifest digest; another
# SOURCE_DATE_EPOCH gives another.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/one/deeper/path" "$T/two"
cp -r "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/one/deeper/path/src"
cp -r "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/two/src"
touch -d '2001-02-03 04:05:06' "$T/two/src/main.cpp" "$T/two/src/CMakeLists.txt"
(umask 022; OCIMAKE_JOBS=1 build_example "$T/one/deeper/path/src" "$T/one/build")
(umask 077; OCIMAKE_JOBS=7 build_example "$T/two/src" "$T/two/b")
d1=$(cat "$T/one/build/CMakeFiles/greeter-image.ocimake/image.digest")
d2=$(cat "$T/two/b/CMakeFiles/greeter-image.ocimake/image.digest")
assert_eq "$d1" "$d2" "manifest digest of the same image built twice"
# Every blob is identical too, not just the manifest: the image's and its
# attached SBOM's. Not the provenance's: it records where the source was
# (file://<this directory>, which is not a git checkout), as it should.
blobs() {
  python3 - "$1" <<'PY'
import json, os, sys
layout = sys.argv[1]
skip = set()
for e in json.load(open(layout + "/index.json"))["manifests"]:
    if e.get("artifactType") == "application/vnd.in-toto+json":
        m = json.load(open(layout + "/blobs/sha256/" + e["digest"][7:]))
        skip |= {e["digest"][7:]} | {l["digest"][7:] for l in m["layers"]}
print("\n".join(sorted(set(os.listdir(layout + "/blobs/sha256")) - skip)))
PY
}
diff <(blobs "$T/one/build/greeter-image") <(blobs "$T/two/b/greeter-image") ||
  fail "blob sets differ"

SOURCE_DATE_EPOCH=1700000000 build_example "$T/two/src" "$T/three"
d3=$(cat "$T/three/CMakeFiles/greeter-image.ocimake/image.digest")
assert_ne "$d1" "$d3" "digest with another SOURCE_DATE_EPOCH"
created=$("$OCIMAKE" inspect --json "$T/three/greeter-image" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["created"])')
assert_eq "2023-11-14T22:13:20Z" "$created" "config created"
echo "ok: $d1 twice; $d3 with SOURCE_DATE_EPOCH=1700000000"
