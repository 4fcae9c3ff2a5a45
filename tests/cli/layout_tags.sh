# Tags in a layout as moby and containerd write them: the tag alone in
# org.opencontainers.image.ref.name (found by skopeo's and umoci's DIR:TAG),
# the full name in io.containerd.image.name; ocimake finds an image by
# either, says when a tag alone names two images, and still reads a layout
# of the old form (ref.name = "hello:1.0").
. "$OCIMAKE_TESTS_DIR/lib.sh"
need skopeo skopeo; need umoci umoci; need cc gcc

mkdir -p "$T/tree/usr/local/bin"
printf '#include <stdio.h>\nint main(int c, char **v) { printf("hello, %%s!\\n", c > 1 ? v[1] : "world"); return 0; }\n' >"$T/hello.c"
cc -static -O2 -o "$T/tree/usr/local/bin/hello" "$T/hello.c"
echo '{"entrypoint":["/usr/local/bin/hello"]}' >"$T/settings.json"
"$OCIMAKE" layer --tree "$T/tree" --layout "$T/img" --output "$T/l.json"
image() {  # image LAYOUT TAG: prints the manifest digest
  "$OCIMAKE" image --layout "$1" --layer "$T/l.json" --settings "$T/settings.json" --tag "$2"
}
d=$(image "$T/img" hello:1.0)
# annotations LAYOUT: one "ref.name|image.name" line per index.json entry
annotations() {
  python3 -c 'import json,sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    a = m.get("annotations", {})
    print(a.get("org.opencontainers.image.ref.name", "") + "|" + a.get("io.containerd.image.name", ""))' "$1"
}

note "index.json: the tag alone, and the full name normalised as docker does"
assert_eq "1.0|docker.io/library/hello:1.0" "$(annotations "$T/img")" "index.json annotations"

note "skopeo and umoci find the tag"
got=$(skopeo inspect "oci:$T/img:1.0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
assert_eq "$d" "$got" "skopeo inspect oci:DIR:1.0"
umoci unpack --rootless --image "$T/img:1.0" "$T/bundle" >"$T/umoci.log" 2>&1 ||
  { cat "$T/umoci.log"; fail "umoci unpack --image DIR:1.0"; }
cmp "$T/tree/usr/local/bin/hello" "$T/bundle/rootfs/usr/local/bin/hello" || fail "umoci's tree"

note "ocimake finds it by the full name, the short name or the tag alone"
for name in hello:1.0 docker.io/library/hello:1.0 1.0; do
  assert_eq "$d" "$(layout_digest "$T/img:$name")" "inspect DIR:$name"
done
assert_eq "hello, tags!" "$("$OCIMAKE" run "$T/img:1.0" -- tags)" "run DIR:1.0"

note "a tag alone that two names share is ambiguous; tagging again replaces"
image "$T/img" hello:latest >/dev/null
image "$T/img" other:latest >/dev/null
image "$T/img" hello:1.0 >/dev/null
assert_eq 3 "$(annotations "$T/img" | wc -l)" "entries after tagging hello:1.0 again"
expect_failure out "$OCIMAKE" inspect "$T/img:latest"
assert_one_line "$out"
assert_contains "$out" "tag 'latest' names 2 images (docker.io/library/hello:latest, docker.io/library/other:latest); name one in full"
assert_eq "$d" "$(layout_digest "$T/img:other:latest")" "inspect DIR:other:latest"

note "a layout of the old form (ref.name = hello:1.0) is still read"
mkdir "$T/old"; cp -r "$T/img/." "$T/old/"
python3 - "$T/old/index.json" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
index["manifests"] = [m for m in index["manifests"]
                      if m["annotations"].get("io.containerd.image.name") == "docker.io/library/hello:1.0"]
index["manifests"][0]["annotations"] = {"org.opencontainers.image.ref.name": "hello:1.0"}
json.dump(index, open(sys.argv[1], "w"))
PY
assert_eq "hello:1.0|" "$(annotations "$T/old")" "the old form, by hand"
assert_eq "$d" "$(layout_digest "$T/old:hello:1.0")" "inspect OLD:hello:1.0"
assert_eq "hello, old!" "$("$OCIMAKE" run "$T/old:hello:1.0" -- old)" "run OLD:hello:1.0"
"$OCIMAKE" export "$T/old:hello:1.0" --output "$T/old.tar"
repo_tags=$(tar -xOf "$T/old.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"])')
assert_eq "['hello:1.0']" "$repo_tags" "RepoTags of the export"
skopeo inspect "docker-archive:$T/old.tar" >/dev/null || fail "skopeo rejects the export"
image "$T/old" hello:1.0 >/dev/null
assert_eq "1.0|docker.io/library/hello:1.0" "$(annotations "$T/old")" "re-tagged in the new form"
echo "ok: $d found as hello:1.0, 1.0 and in the old form"
