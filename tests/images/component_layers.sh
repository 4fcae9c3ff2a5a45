# LAYERS: each named install component is a layer of its own, in the given
# order, below the application layer that holds the rest; the closure's
# libraries are split into the Debian packages' and the project's own (those
# it installs, and a vendored one no package owns); editing a file of one
# component re-packs only its layer (the other layers' digests and the
# Ninja edges that ran say so); a component that installs nothing is an
# error naming it.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/src/assets" "$T/src/plugins"
# A prebuilt library outside any Debian package, as a vendored SDK is. Not
# below /tmp (where the test directory may be): the sandbox's /tmp is a
# tmpfs of its own, which would hide it in the image.
vendor=$(mktemp -d /var/tmp/ocimake-vendor.XXXXXX)
trap 'rm -rf "$T" "$vendor"' EXIT
echo 'int vendor() { return 0; }' >"$vendor/vendor.cpp"
g++ -shared -fPIC -Wl,-soname,libvendor.so.1 -o "$vendor/libvendor.so.1" "$vendor/vendor.cpp"
cat >"$T/src/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(layered LANGUAGES CXX)
find_package(ocimake REQUIRED)
add_library(greet SHARED greet.cpp)
set_target_properties(greet PROPERTIES VERSION 1.0 SOVERSION 1)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE greet "$vendor/libvendor.so.1")
set_target_properties(app PROPERTIES INSTALL_RPATH "\\\$ORIGIN/../lib;$vendor")
install(TARGETS app greet RUNTIME DESTINATION bin LIBRARY DESTINATION lib)
install(FILES assets/logo.txt DESTINATION share/app COMPONENT assets)
install(FILES plugins/p.txt DESTINATION lib/app/plugins COMPONENT plugins)
add_container_image(app-image LAYERS assets plugins ENTRYPOINT /usr/local/bin/app TAG app:1)
CM
echo 'int greet() { return 0; }' >"$T/src/greet.cpp"
printf 'int greet();\nint vendor();\nint main() { return greet() + vendor(); }\n' >"$T/src/main.cpp"
echo logo >"$T/src/assets/logo.txt"
echo plugin >"$T/src/plugins/p.txt"
build_example "$T/src" "$T/b"

layers() {  # "created_by<TAB>digest" of each layer, bottom up
  "$OCIMAKE" inspect --json "$T/b/app-image" | python3 -c '
import json, sys
d = json.load(sys.stdin)
hist = [h for h in d["config"]["history"] if not h.get("empty_layer")]
for h, l in zip(hist, d["manifest"]["layers"]):
    print(h["created_by"] + "\t" + l["digest"])'
}
files_of() {  # files_of N: the files of layer N (1-based), sorted
  digest=$(layers | sed -n "${1}p" | cut -f2)
  tar -tzf "$T/b/app-image/blobs/sha256/${digest#sha256:}" | grep -v '/$' | LC_ALL=C sort | tr '\n' ' '
}
before=$(layers)
assert_eq "ocimake: runtime libraries
ocimake: the project's shared libraries of app-image
ocimake: install component assets of app-image
ocimake: install component plugins of app-image
ocimake: install tree of app-image
ocimake: runtime user, /tmp and WRITABLE directories" "$(printf '%s\n' "$before" | cut -f1)" \
  "the layers, in LAYERS order below the application layer"
debian=$(files_of 1)
assert_contains "$debian" "usr/lib/x86_64-linux-gnu/libc.so.6" "the Debian packages' libraries"
assert_not_contains "$debian" "libvendor" "the Debian packages' libraries"
own=$(printf '%s\n' "${vendor#/}/libvendor.so.1" usr/local/lib/libgreet.so \
  usr/local/lib/libgreet.so.1 usr/local/lib/libgreet.so.1.0 | LC_ALL=C sort | tr '\n' ' ')
assert_eq "$own" "$(files_of 2)" "the project's libraries: its own and the vendored one"
assert_eq "usr/local/share/app/logo.txt " "$(files_of 3)" "the assets layer"
assert_eq "usr/local/lib/app/plugins/p.txt " "$(files_of 4)" "the plugins layer"
assert_eq "usr/local/bin/app " "$(files_of 5)" "the application layer holds the rest"
assert_eq "" "$("$OCIMAKE" run "$T/b/app-image" 2>&1)" "the program runs, finding both libraries"

note "an edit to one component re-packs only its layer (and does not resolve the libraries again)"
echo "logo, redrawn" >"$T/src/assets/logo.txt"
out=$("$CMAKE_COMMAND" --build "$T/b" --target image 2>&1)
assert_contains "$out" "Packing the layer of install component assets"
assert_not_contains "$out" "Resolving the shared libraries" "a data file's edit"
for other in "component plugins" "application layer" "runtime-libraries layer" \
    "project-libraries layer"; do
  assert_not_contains "$out" "Packing the $other" "an untouched layer is not re-packed"
done
after=$(layers)
changed=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep '^>' | cut -f1 || true)
assert_eq "> ocimake: install component assets of app-image" "$changed" \
  "only the assets layer's digest changed"
out=$("$CMAKE_COMMAND" --build "$T/b" --target image 2>&1)
assert_not_contains "$out" "Packing" "a no-op build packs nothing"

note "a LAYERS component that installs nothing"
sed -i 's/LAYERS assets plugins/LAYERS assets plugin/' "$T/src/CMakeLists.txt"
expect_failure out "$CMAKE_COMMAND" --build "$T/b" --target image
line=$(printf '%s\n' "$out" | grep 'LAYERS plugin:')
assert_contains "$line" "ocimake stage: LAYERS plugin: the install rules install nothing for component 'plugin'"
assert_one_line "$line"
echo "ok: one layer per component, re-packed alone"
