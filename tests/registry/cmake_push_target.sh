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
