# A base's diff_ids are checked against its layers' uncompressed bytes for
# every kind of source (layout, oci-archive, docker-archive, registry); a
# wrong one fails the image step with a one-line error naming the layer, and
# nothing is tagged. A checked layer is recorded in the cache.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"
tools="$OCIMAKE_TESTS_DIR/cli"

python3 "$tools/make_tar.py" "$T/one.tar.gz" d:etc f:etc/one:first
python3 "$tools/make_tar.py" "$T/two.tar.gz" d:usr f:usr/two:second
python3 "$tools/make_layout.py" "$T/good" "$T/one.tar.gz" "$T/two.tar.gz"
python3 "$tools/make_layout.py" --bad-diff-id=2 "$T/bad" "$T/one.tar.gz" "$T/two.tar.gz"
bad_layer=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["manifests"][0]["digest"]
print(json.load(open(sys.argv[1].replace("index.json","blobs/sha256/")+m[7:]))["layers"][1]["digest"])' \
  "$T/bad/index.json")

# image_on BASE OUT: an image of no layer of its own on BASE.
image_on() { "$OCIMAKE" image --layout "$2" --base "$1" --tag app:1; }

note "a good base: its diff_ids go into the new config, checked and recorded"
image_on "$T/good" "$T/out-good" >/dev/null
diff_ids() { "$OCIMAKE" inspect --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["rootfs"]["diff_ids"])'; }
assert_eq "$(diff_ids "$T/good")" "$(diff_ids "$T/out-good")" "the new config's diff_ids"
assert_eq 2 "$(ls "$OCIMAKE_CACHE_DIR/diff_ids/sha256" | wc -l)" "recorded checks"

# refused KIND BASE [NEEDLE]: the image step on BASE fails naming layer 2
# (as NEEDLE says), tags nothing.
refused() {
  local out needle=${3:-"layer 2 ($bad_layer): diff_id mismatch"}
  rm -rf "$T/out"
  expect_failure out image_on "$2" "$T/out"
  assert_one_line "$out"
  assert_contains "$out" "$needle" "$1"
  if [ -f "$T/out/index.json" ]; then
    assert_not_contains "$(cat "$T/out/index.json")" "app:1" "$1: index.json after the failure"
  fi
}

note "a layout"
refused layout "$T/bad"

note "an oci-archive"
tar -C "$T/bad" -cf "$T/bad-oci.tar" .
refused oci-archive "$T/bad-oci.tar"

note "a docker-archive"
python3 - "$T/bad" "$T/bad-docker.tar" <<'PY'
import json, sys, tarfile
layout, out = sys.argv[1:]
blob = lambda d: f"{layout}/blobs/sha256/{d[7:]}"
m = json.load(open(blob(json.load(open(f"{layout}/index.json"))["manifests"][0]["digest"])))
with tarfile.open(out, "w") as t:
    names = []
    for i, l in enumerate(m["layers"]):
        names.append(f"layer{i}.tar.gz")
        t.add(blob(l["digest"]), names[-1])
    t.add(blob(m["config"]["digest"]), "config.json")
    manifest = json.dumps([{"Config": "config.json", "RepoTags": ["bad:1"], "Layers": names}])
    open(out + ".manifest.json", "w").write(manifest)
    t.add(out + ".manifest.json", "manifest.json")
PY
# (checked as the archive is imported, naming the layer as the archive does)
refused docker-archive "$T/bad-docker.tar" "layer layer1.tar.gz: diff_id mismatch"

note "a registry"
"$OCIMAKE" push "$T/bad" "$REG_HOST/diffids/bad:1" >/dev/null
refused registry "$REG_HOST/diffids/bad:1"
