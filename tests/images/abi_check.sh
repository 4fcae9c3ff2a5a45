# The ABI check: a program built against the host's C library, on a base
# whose libc.so.6 defines only GLIBC_2.2.5 (a crafted library with that one
# version), fails the build with one line naming the program, libc.so.6, the
# newest GLIBC_ version it needs (read here with readelf) and GLIBC_2.2.5;
# ABI_CHECK OFF builds it (and ld.so refuses to start it, as the check
# said); a base holding the host's own libc.so.6 builds.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need readelf binutils
multiarch=$(cc -print-multiarch)
libdir="usr/lib/$multiarch"

# make_base NAME LIBC: an OCI layout $T/NAME whose only file is LIBC as
# /$libdir/libc.so.6.
make_base() {
  mkdir -p "$T/$1.tree/$libdir"
  cp -L "$2" "$T/$1.tree/$libdir/libc.so.6"
  "$OCIMAKE" layer --tree "$T/$1.tree" --layout "$T/$1" --output "$T/$1.layer.json"
  "$OCIMAKE" image --layout "$T/$1" --layer "$T/$1.layer.json" --tag base >/dev/null
}
printf 'GLIBC_2.2.5 { global: *; };\n' >"$T/old.map"
printf 'int old_libc_function(void) { return 1; }\n' >"$T/old.c"
cc -shared -fPIC -nostdlib -o "$T/libc-old.so" "$T/old.c" -Wl,-soname,libc.so.6 \
  -Wl,--version-script,"$T/old.map"
make_base oldbase "$T/libc-old.so"
make_base hostbase "/$libdir/libc.so.6"

mkdir "$T/src"
cp "$OCIMAKE_SOURCE_DIR/examples/hello/main.cpp" "$T/src/"
cat >"$T/src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(abi CXX)
find_package(ocimake REQUIRED)
add_executable(app main.cpp)
install(TARGETS app RUNTIME DESTINATION bin)
add_container_image(app-image BASE "${BASE}" ABI_CHECK "${ABI}" ENTRYPOINT /usr/local/bin/app)
CM

note "a base whose libc.so.6 is older than the one the program was built with"
"$CMAKE_COMMAND" -G Ninja -S "$T/src" -B "$T/build" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
  -DBASE="$T/oldbase:base" -DABI=ON >"$T/configure.log" 2>&1 || { cat "$T/configure.log"; fail configure; }
expect_failure out "$CMAKE_COMMAND" --build "$T/build" --target image
newest=$(readelf -V --wide "$T/build/app" |
  awk '/File: /{file=$5} /Name: GLIBC_[0-9]/ && file=="libc.so.6"{print $3}' | sort -V | tail -n1)
[[ "$newest" == GLIBC_2.* ]] || fail "readelf found no GLIBC_ version the program needs"
error=$(printf '%s\n' "$out" | grep '^ocimake closure:') || fail "no ocimake closure error in: $out"
assert_one_line "$error"
assert_eq "ocimake closure: /usr/local/bin/app needs $newest of libc.so.6, but the base's libc.so.6 has at most GLIBC_2.2.5 (build with an older toolchain, use a newer base, or ABI_CHECK OFF)" "$error" "the ABI error"
[ ! -e "$T/build/CMakeFiles/app-image.ocimake/libs.txt" ] || fail "libs.txt written by a failed closure"
echo "  $error" >&2

note "the same with ABI_CHECK OFF"
build_example "$T/src" "$T/build" -DABI=OFF
[ -f "$T/build/app-image/index.json" ] || fail "no image with ABI_CHECK OFF"
# ...and it does not start, as the check said.
expect_failure ran "$OCIMAKE" run "$T/build/app-image"
assert_contains "$ran" "version \`$newest' not found" "running the image built with ABI_CHECK OFF"

note "a base with the host's own libc.so.6"
build_example "$T/src" "$T/build" -DBASE="$T/hostbase:base" -DABI=ON
libs=$(grep -v '^#' "$T/build/CMakeFiles/app-image.ocimake/libs.txt" | cut -f1)
assert_not_contains "$libs" "libc.so.6" "the closure over a base with libc.so.6"
digest=$(layout_digest "$T/hostbase")
[ -f "$OCIMAKE_CACHE_DIR/rootfs/${digest#sha256:}/$libdir/libc.so.6" ] ||
  fail "the base's rootfs was not unpacked into the cache for the check"
echo "ok: the older base fails with one line; ABI_CHECK OFF and a matching base build"
