# An image built FROM another image's layout holds the base's layers, then
# its own; the libraries the base already has are not repeated, and it runs.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need buildah buildah
build_example "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/base"
mkdir "$T/src"
cp "$OCIMAKE_SOURCE_DIR/examples/hello/main.cpp" "$T/src/"
cat >"$T/src/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(layered CXX)
find_package(ocimake REQUIRED)
add_executable(hello main.cpp)
install(TARGETS hello RUNTIME DESTINATION bin)
add_container_image(layered BASE "$T/base/greeter-image:greeter:1.0"
  ENTRYPOINT /usr/local/bin/hello TAG layered:1)
CM
build_example "$T/src" "$T/build"
base_layers=$("$OCIMAKE" inspect --json "$T/base/greeter-image" |
  python3 -c 'import json,sys; print(" ".join(l["digest"] for l in json.load(sys.stdin)["manifest"]["layers"]))')
layers=$("$OCIMAKE" inspect --json "$T/build/layered" |
  python3 -c 'import json,sys; print(" ".join(l["digest"] for l in json.load(sys.stdin)["manifest"]["layers"]))')
set -- $layers
assert_eq 5 $# "layer count (base 3 + app + user; the libraries layer is empty and left out)"
assert_eq "$base_layers" "$1 $2 $3" "the base's layers come first, unchanged"
assert_eq "" "$(grep -v '^#' "$T/build/CMakeFiles/layered.ocimake/libs.txt")" "closure over the base"
env=$("$OCIMAKE" inspect "$T/build/layered")
assert_contains "$env" "GREETING=hello" "config inherits the base's ENV"
assert_not_contains "$env" "cmd       --name" "a new ENTRYPOINT clears the base's CMD"
ctr=$(buildah from "oci:$T/build/layered:1")
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
assert_eq "hello, layers!" "$(buildah run --isolation chroot "$ctr" /usr/local/bin/hello layers)" "run"

note "BASE naming another image of the same build"
cat >>"$T/src/CMakeLists.txt" <<CM
add_container_image(on-layered BASE layered ENV EXTRA=1 TAG on-layered:1)
CM
"$CMAKE_COMMAND" "$T/build" >/dev/null && "$CMAKE_COMMAND" --build "$T/build" --target on-layered >/dev/null
n=$("$OCIMAKE" inspect --json "$T/build/on-layered" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["manifest"]["layers"]))')
assert_eq 7 "$n" "layers of an image on an image on an image (5 + its app and user layers)"
echo "ok: base layers kept, closure empty, image runs"
