# The same project built in two build directories (different absolute paths,
# source mtimes and umasks) gives the same manifest digest; another
# SOURCE_DATE_EPOCH gives another.
. "$OCIMAKE_TESTS_DIR/lib.sh"
mkdir -p "$T/one/deeper/path" "$T/two"
cp -r "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/one/deeper/path/src"
cp -r "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/two/src"
touch -d '2001-02-03 04:05:06' "$T/two/src/main.cpp" "$T/two/src/CMakeLists.txt"
(umask 022; build_example "$T/one/deeper/path/src" "$T/one/build")
(umask 077; build_example "$T/two/src" "$T/two/b")
d1=$(cat "$T/one/build/CMakeFiles/greeter-image.ocimake/image.digest")
d2=$(cat "$T/two/b/CMakeFiles/greeter-image.ocimake/image.digest")
assert_eq "$d1" "$d2" "manifest digest of the same image built twice"
# Every blob is identical too, not just the manifest.
diff <(cd "$T/one/build/greeter-image/blobs/sha256" && ls | sort) \
     <(cd "$T/two/b/greeter-image/blobs/sha256" && ls | sort) || fail "blob sets differ"

SOURCE_DATE_EPOCH=1700000000 build_example "$T/two/src" "$T/three"
d3=$(cat "$T/three/CMakeFiles/greeter-image.ocimake/image.digest")
assert_ne "$d1" "$d3" "digest with another SOURCE_DATE_EPOCH"
created=$("$OCIMAKE" inspect --json "$T/three/greeter-image" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["created"])')
assert_eq "2023-11-14T22:13:20Z" "$created" "config created"
echo "ok: $d1 twice; $d3 with SOURCE_DATE_EPOCH=1700000000"
