# A project not written for ocimake (tests/module/realproject: include(CTest),
# a test and a benchmark program, a custom target that fails if built, a
# shared library with headers, a static library, pkg-config and doc files):
# the first `--target image` builds what the install rules install and
# nothing else, and the image holds the runtime files only.
. "$OCIMAKE_TESTS_DIR/lib.sh"
src="$OCIMAKE_TESTS_DIR/module/realproject"
configure() {  # configure BUILD [cmake args...]
  local b=$1; shift
  "$CMAKE_COMMAND" -G Ninja -S "$src" -B "$b" -Docimake_DIR="$OCIMAKE_BUILD_DIR" \
    -DBUILD_SHARED_LIBS=ON "$@" >"$b.configure.log" 2>&1 || { cat "$b.configure.log"; fail configure; }
}
# The files of an image's layers, one "LAYER PATH" a line (the tar entries).
layer_files() {
  python3 - "$1" <<'PY'
import json, os, sys, tarfile
layout = sys.argv[1]
blob = lambda d: os.path.join(layout, "blobs", "sha256", d.split(":")[1])
index = json.load(open(os.path.join(layout, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
for i, layer in enumerate(manifest["layers"]):
    with tarfile.open(blob(layer["digest"])) as t:
        for m in t.getmembers():
            print(i + 1, "/" + m.name.lstrip("./") + ("/" if m.isdir() else ""))
PY
}
config_json() { "$OCIMAKE" inspect --json "$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["config"]))'; }

note "the first --target image builds"
configure "$T/b" -DREALPROJ_ENTRYPOINT=/usr/local/bin/realtool
"$CMAKE_COMMAND" --build "$T/b" --target image >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "first image build"; }
assert_not_contains "$(cat "$T/build.log")" "must_not_build ran" "build log"

note "only installed targets (and what they link) were built"
built=$(cut -f4 "$T/b/.ninja_log" | sort -u)
assert_contains "$built" "realtool" "ninja log"
assert_contains "$built" "libgreet.so" "ninja log"
for never in greet_test greet_bench must_not_build Continuous Experimental Nightly; do
  if printf '%s\n' "$built" | grep -q "$never"; then fail "$never was built for the image: $built"; fi
done

note "the image: the program, the shared library and runtime data; no development files"
files=$(layer_files "$T/b/realproj-image")
for want in /usr/local/bin/realtool /usr/local/lib/libgreet.so.1 /usr/local/share/realproj/data.txt \
    /usr/local/share/realproj/code.txt; do
  assert_contains "$files" "$want" "image files"
done
for unwanted in cmake/realproj include/greet.h libgreet_static.a pkgconfig realproj.pc share/doc notes.md /usr/local/include/; do
  assert_not_contains "$files" "$unwanted" "image files"
done
assert_eq "a;b" "$(cat "$T/b/CMakeFiles/realproj-image.ocimake/stage/usr/local/share/realproj/code.txt")" \
  "install(CODE) with a semicolon, forwarded exactly"
assert_eq "hello, CI!" "$("$OCIMAKE" run "$T/b/realproj-image" -- CI)" "the image runs"

note "what was left out is in the app layer's history comment"
config=$(config_json "$T/b/realproj-image")
assert_contains "$config" "left out: 6 development files (2 CMake package files, 1 doc file" "history comment"
assert_contains "$config" "1 header" "history comment"
assert_contains "$config" "1 static library" "history comment"
assert_contains "$config" "1 pkg-config file" "history comment"
assert_contains "$config" "1 file matching EXCLUDE" "history comment"
note "a default PATH"
assert_contains "$config" '"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"' "config env"

note "KEEP_DEVELOPMENT_FILES ON keeps them"
configure "$T/b" -DREALPROJ_ENTRYPOINT=/usr/local/bin/realtool "-DREALPROJ_IMAGE_ARGS=KEEP_DEVELOPMENT_FILES;ON"
"$CMAKE_COMMAND" --build "$T/b" --target image >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "image build"; }
files=$(layer_files "$T/b/realproj-image")
assert_contains "$files" "/usr/local/include/greet.h" "image files with KEEP_DEVELOPMENT_FILES"
assert_contains "$files" "/usr/local/lib/libgreet_static.a" "image files with KEEP_DEVELOPMENT_FILES"
assert_not_contains "$files" "notes.md" "EXCLUDE still applies"

note "ENV PATH replaces the default"
configure "$T/b" -DREALPROJ_ENTRYPOINT=realtool "-DREALPROJ_IMAGE_ARGS=ENV;PATH=/usr/local/bin"
"$CMAKE_COMMAND" --build "$T/b" --target image >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "image build"; }
config=$(config_json "$T/b/realproj-image")
assert_contains "$config" '"PATH=/usr/local/bin"' "config env"
assert_not_contains "$config" "/usr/sbin" "config env"

note "a wrong ENTRYPOINT fails the build in one line naming the closest path"
configure "$T/b" -DREALPROJ_ENTRYPOINT=/usr/local/bin/realtol
expect_failure out "$CMAKE_COMMAND" --build "$T/b" --target image
line=$(printf '%s\n' "$out" | grep '^ocimake image:' || true)
assert_one_line "$line"
assert_eq "ocimake image: ENTRYPOINT /usr/local/bin/realtol: not in the image (closest: /usr/local/bin/realtool)" \
  "$line" "error"
note "... and a program missing from PATH"
configure "$T/b" -DREALPROJ_ENTRYPOINT=realtoool
expect_failure out "$CMAKE_COMMAND" --build "$T/b" --target image
assert_contains "$out" "ENTRYPOINT realtoool: not found on the image's PATH (closest: /usr/local/bin/realtool)" "error"

note "a misspelt keyword in ENTRYPOINT warns at configure time"
configure "$T/b" "-DREALPROJ_ENTRYPOINT=/usr/local/bin/realtool;WORKDIRR;/tmp;PACKAGES"
log=$(cat "$T/b.configure.log")
assert_contains "$(printf '%s' "$log" | tr '\n' ' ' | sed 's/  */ /g')" "ENTRYPOINT holds WORKDIRR: did you mean the keyword WORKDIR?" "configure warning"
assert_contains "$(printf '%s' "$log" | tr '\n' ' ' | sed 's/  */ /g')" "ENTRYPOINT holds PACKAGES, a keyword of another ocimake command" "configure warning"
echo "ok: a real-shaped project builds its image on the first try"
