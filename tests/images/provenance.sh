# The provenance statement of an image (<image>.provenance.json): an in-toto
# Statement v1 with a SLSA v1 predicate whose subject is the layout's
# manifest digest, whose source is the git commit with its dirty flag (a
# plain directory by its path), the base by its digest, the same bytes from
# two build directories; SECRETS reach neither the provenance step nor its
# cache variables; SBOM OFF writes none.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need git git
"$OCIMAKE" provenance-write --help | grep -q "in-toto Statement v1" || fail "provenance-write --help"

src="$T/src"
cp -r "$OCIMAKE_SOURCE_DIR/examples/hello" "$src"
git -C "$src" init -q
git -C "$src" -c user.name=t -c user.email=t@example.com add -A
git -C "$src" -c user.name=t -c user.email=t@example.com commit -qm initial
commit=$(git -C "$src" rev-parse HEAD)
build_example "$src" "$T/one"
build_example "$src" "$T/two"
p1="$T/one/hello-image.provenance.json"
cmp "$p1" "$T/two/hello-image.provenance.json" ||
  fail "two builds gave different provenance: $(diff "$p1" "$T/two/hello-image.provenance.json" || true)"

# check FILE DIGEST COMMIT DIRTY: the statement's fields, with python3.
check() {
  python3 - "$@" "$(git -C "$src" rev-parse --show-toplevel)" <<'PY'
import json, sys
path, digest, commit, dirty, top = sys.argv[1:]
s = json.load(open(path))
def want(what, expected, got):
    if expected != got:
        sys.exit(f"FAIL: {what}: expected {expected!r}, got {got!r}")
want("_type", "https://in-toto.io/Statement/v1", s["_type"])
want("predicateType", "https://slsa.dev/provenance/v1", s["predicateType"])
want("subject", [{"name": "hello:1.0", "digest": {"sha256": digest.split(":")[1]}}], s["subject"])
d = s["predicate"]["buildDefinition"]
want("buildType", "https://ocimake.dev/buildtypes/cmake-image/v1", d["buildType"])
ext = d["externalParameters"]
want("entrypoint", ["/usr/local/bin/hello"], ext["image"]["entrypoint"])
want("labels", {"org.opencontainers.image.title": "hello"}, ext["image"]["labels"])
want("base", "scratch", ext["base"])
source = d["resolvedDependencies"][0]
want("source commit", commit, source["digest"]["gitCommit"])
want("source uri", f"git+file://{top}@{commit}", source["uri"])
want("dirty", dirty, source["annotations"]["dirty"])
builder = s["predicate"]["runDetails"]["builder"]["id"]
if not builder.startswith("https://ocimake.dev/builder/ocimake@"):
    sys.exit(f"FAIL: builder id {builder}")
if "startedOn" in json.dumps(s) or "finishedOn" in json.dumps(s):
    sys.exit("FAIL: a wall-clock time in the statement")
PY
}
check "$p1" "$(layout_digest "$T/one/hello-image")" "$commit" false

# An edit of a tracked file that changes the image: a new subject, dirty.
sed -i 's/hello, /hi, /' "$src/main.cpp"
before=$(layout_digest "$T/one/hello-image")
"$CMAKE_COMMAND" --build "$T/one" --target image >"$T/rebuild.log" 2>&1 || { cat "$T/rebuild.log"; fail rebuild; }
after=$(layout_digest "$T/one/hello-image")
assert_ne "$before" "$after" "image digest after the edit"
check "$p1" "$after" "$commit" true
# A commit of the edit: the image is the same, the provenance names it.
git -C "$src" -c user.name=t -c user.email=t@example.com commit -qam edit
"$CMAKE_COMMAND" --build "$T/one" --target image >"$T/rebuild.log" 2>&1 || { cat "$T/rebuild.log"; fail rebuild; }
check "$p1" "$after" "$(git -C "$src" rev-parse HEAD)" false

# A source that is no git checkout, and a base image: the base by the
# manifest digest it was built on.
cp -r "$OCIMAKE_SOURCE_DIR/examples/hello" "$T/plain"
cat >>"$T/plain/CMakeLists.txt" <<'CM'
add_container_image(on-hello BASE hello-image TAG on:1 ENTRYPOINT /usr/local/bin/hello)
CM
build_example "$T/plain" "$T/plainb"
python3 - "$T/plainb/on-hello.provenance.json" "$(layout_digest "$T/plainb/hello-image")" \
    "$T/plain" <<'PY' || fail "provenance of an image on a base, from a plain directory"
import json, sys
path, base_digest, src = sys.argv[1:]
deps = json.load(open(path))["predicate"]["buildDefinition"]["resolvedDependencies"]
want = [{"name": "source", "uri": "file://" + src},
        {"name": "base", "uri": "hello-image", "digest": {"sha256": base_digest.split(":")[1]}}]
if deps != want:
    sys.exit(f"FAIL: resolvedDependencies: expected {want}, got {deps}")
PY

# SECRETS and SBOM OFF, configured only (a toolchain build takes minutes):
# the provenance step gets no secret, its defines file holds the options.
secret="s3cr3t-$RANDOM$RANDOM$RANDOM"
printf '%s' "$secret" >"$T/secret-file"
mkdir -p "$T/tc/sysroot"
cat >"$T/tc/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(tc LANGUAGES NONE)
find_package(ocimake REQUIRED)
option(WITH_GREETING "greet" ON)
add_container_toolchain(local ROOTFS sysroot)
add_container_image(tc-image TOOLCHAIN local TAG tc:1 ENTRYPOINT /bin/true
  SECRETS id=apikey,src=$T/secret-file CACHE_VARIABLES GREETING=hi)
add_container_image(quiet-image TAG quiet:1 ENTRYPOINT /bin/true SBOM OFF)
add_container_image(plain-image TAG plain:1 ENTRYPOINT /bin/true)
CM
"$CMAKE_COMMAND" -G Ninja -S "$T/tc" -B "$T/tcb" -Docimake_DIR="$OCIMAKE_BUILD_DIR" >"$T/tc.log" 2>&1 ||
  { cat "$T/tc.log"; fail "configure the toolchain project"; }
cmd=$(ninja -C "$T/tcb" -t commands tc-image-provenance | grep provenance-write)
assert_contains "$cmd" "--toolchain local" "provenance command"
assert_not_contains "$cmd" "apikey" "provenance command"
assert_not_contains "$cmd" "secret-file" "provenance command"
defines="$T/tcb/CMakeFiles/tc-image.ocimake/stage.defines"
assert_contains "$cmd" "--defines $defines" "provenance command"
assert_contains "$(cat "$defines")" "-DGREETING=hi" "stage.defines"
assert_contains "$(cat "$defines")" "-DWITH_GREETING:BOOL=ON" "stage.defines"
if grep -rqF -e "$secret" -e apikey "$defines"; then fail "a secret is in $defines"; fi
# A host-built image of a project that compiles nothing names no build tool.
sbom_cmd=$(ninja -C "$T/tcb" -t commands "$T/tcb/plain-image.spdx.json" | grep sbom-write)
assert_contains "$sbom_cmd" "--root /" "the plain image's SBOM command"
assert_not_contains "$sbom_cmd" "--toolchain" "the SBOM of a LANGUAGES NONE project's host image"
if ninja -C "$T/tcb" -t targets all | grep -q "quiet-image.provenance"; then
  fail "SBOM OFF still writes provenance"
fi
echo "ok: subject $after, commit $commit, dirty false then true, same bytes twice, no secret"
