# A size-based split of a large application layer (LAYER_SPLIT_SIZE,
# layer/layer_split.h): a tree over the size is several layers, a big file
# a layer of its own; the image unpacks (umoci, skopeo) to the tree an
# unsplit build makes; an edit of one small file re-packs one part only
# (the others keep their digests and blobs); another build directory makes
# the same digests.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
need skopeo skopeo
src=$T/src
mkdir -p "$src/data"
cat >"$src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(assets LANGUAGES C)
find_package(ocimake REQUIRED)
add_executable(app main.c)
install(TARGETS app RUNTIME DESTINATION bin)
install(DIRECTORY data/ DESTINATION share/app)
if(NOT DEFINED SPLIT)
  set(SPLIT 1MiB)
endif()
add_container_image(assets-image ENTRYPOINT /usr/local/bin/app LAYER_SPLIT_SIZE ${SPLIT})
CM
echo 'int main(void) { return 0; }' >"$src/main.c"
head -c 600000 /dev/urandom >"$src/data/big.bin"
python3 - "$src/data" <<'PY'
import os, sys
for i in range(3000):
    d = f"{sys.argv[1]}/d{i // 100:02}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/f{i % 100:02}.txt", "w").write(f"asset {i}\n")
PY

work() { echo "$1/CMakeFiles/assets-image.ocimake"; }
parts() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(x["digest"] + " " + str(x["size"]) for x in d))' "$(work "$1")/app.layer.json"; }
build_example "$src" "$T/b"
parts "$T/b" >"$T/parts1" || fail "app.layer.json is not an array of parts: $(cat "$(work "$T/b")/app.layer.json")"
n=$(wc -l <"$T/parts1")
[ "$n" -ge 3 ] || fail "expected at least 3 parts, got $n"
grep -q ' 60[0-9][0-9][0-9][0-9]$' "$T/parts1" || fail "big.bin is not a part of its own: $(cat "$T/parts1")"

# The same tree as an unsplit build's, unpacked by umoci; skopeo reads it.
build_example "$src" "$T/whole" -DSPLIT=OFF
python3 -c 'import json,sys; assert isinstance(json.load(open(sys.argv[1])), dict)' \
  "$(work "$T/whole")/app.layer.json" || fail "LAYER_SPLIT_SIZE OFF still split"
for b in b whole; do
  umoci unpack --rootless --image "$T/$b/assets-image:latest" "$T/$b.bundle" >/dev/null 2>&1 ||
    fail "umoci unpack $b"
  skopeo inspect "oci:$T/$b/assets-image:latest" >"$T/$b.inspect" || fail "skopeo inspect $b"
done
diff -r "$T/b.bundle/rootfs" "$T/whole.bundle/rootfs" || fail "the split image unpacks to another tree"
layers=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Layers"]))' "$T/b.inspect")
whole=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Layers"]))' "$T/whole.inspect")
assert_eq "$((whole + n - 1))" "$layers" "layers of the split image (skopeo)"

# An edit of one small file: one part changes, the others keep digest and blob.
store=$(work "$T/b")/store/blobs/sha256
stat -c '%n %Y.%i' "$store"/* | sort >"$T/blobs1"
sleep 1
echo edited >>"$src/data/d17/f42.txt"
"$CMAKE_COMMAND" --build "$T/b" --target image >"$T/edit.log" 2>&1 || fail "edit build: $(cat "$T/edit.log")"
parts "$T/b" >"$T/parts2"
assert_eq "$n" "$(wc -l <"$T/parts2")" "parts after the edit"
changed=$(diff "$T/parts1" "$T/parts2" | grep -c '^>' || true)
assert_eq 1 "$changed" "parts changed by a one-file edit"
for digest in $(comm -12 <(sort "$T/parts1") <(sort "$T/parts2") | cut -d' ' -f1); do
  grep -q "^$store/${digest#sha256:} " "$T/blobs1" || fail "blob $digest was not there before"
  assert_eq "$(grep "^$store/${digest#sha256:} " "$T/blobs1")" \
    "$(stat -c '%n %Y.%i' "$store/${digest#sha256:}")" "an unchanged part's blob (not rewritten)"
done

# Deterministic: another build directory of the same sources, the same image.
build_example "$src" "$T/b2"
assert_eq "$(cat "$(work "$T/b")/image.digest")" "$(cat "$(work "$T/b2")/image.digest")" \
  "the image digest of another build directory"
# A split size too small to cut by: one line, nothing written.
expect_failure out "$OCIMAKE" layer --tree "$src/data" --layout "$T/nolayout" --output "$T/no.json" \
  --split-size 100
assert_one_line "$out"
assert_contains "$out" "split size 100: expected at least 4096 bytes"
[ ! -e "$T/nolayout" ] && [ ! -e "$T/no.json" ] || fail "a refused split size wrote something"
echo "ok: $n parts, the unsplit tree, one part re-packed by an edit, reproducible"
