# `ocimake inspect --files` lists every entry of every layer (a plain, a gzip
# and a zstd layer) as `tar -tv` of the blobs shows it: the same paths,
# modes, sizes and link targets, attributed to the right layer; whiteouts as
# deletions. Replaying the listing gives the tree `umoci unpack` makes.
# Also: `inspect` shows each layer's history comment; a corrupt layer is a
# one-line error.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
need zstd zstd
mk() { python3 "$OCIMAKE_TESTS_DIR/cli/make_tar.py" "$@"; }
mk "$T/1.tar" d:a f:a/x:1 f:a/y:22 x:a/run:#!/bin/sh s:a/suid d:b f:b/z:333 l:c:a/x \
  h:a/hard:a/x f:keep:k d:d f:d/e:5
mk "$T/2.tar.gz" f:a/.wh.x: f:b/.wh..wh..opq: f:b/new:4444 f:.wh.keep: d:e z:e/zeros:70000
mk "$T/3" f:d/.wh..wh..opq: f:d/only:7 l:abs:/usr/bin f:a/x:again
zstd -q "$T/3" -o "$T/3.tar.zst"
history='[{"created_by":"base layer"},{"created_by":"empty","empty_layer":true},
  {"created_by":"second layer","comment":"left out: 3 development files"},
  {"created_by":"third layer"}]'
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "--history=$history" "$T/img" \
  "$T/1.tar" "$T/2.tar.gz" "$T/3.tar.zst"
"$OCIMAKE" inspect --files --json "$T/img" >"$T/ours.json"
"$OCIMAKE" inspect --files "$T/img" >"$T/ours.txt"
# umoci reads no zstd layers: it unpacks the same layers with the third one plain.
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/plain" "$T/1.tar" "$T/2.tar.gz" "$T/3"
umoci unpack --rootless --image "$T/plain:test" "$T/umoci" >/dev/null 2>&1 || fail "umoci unpack"

python3 - "$T/img" "$T/ours.json" "$T/ours.txt" "$T/umoci/rootfs" <<'PY'
import json, os, subprocess, sys
layout, ours, human, rootfs = sys.argv[1:]
def fail(msg): sys.exit("FAIL: " + msg)
def blob(digest): return os.path.join(layout, "blobs", "sha256", digest.split(":")[1])
index = json.load(open(os.path.join(layout, "index.json")))
layers = json.load(open(blob(index["manifests"][0]["digest"])))["layers"]
types = {"-": "file", "d": "dir", "l": "symlink", "h": "hardlink"}

def from_tar(i, path):  # what `tar -tv` says of one layer, as inspect should
    rows = []
    for line in subprocess.run(["tar", "-tvf", path], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        mode, _, size, _, _, rest = line.split(None, 5)
        link = ""
        if mode[0] == "l": rest, link = rest.split(" -> ", 1)
        if mode[0] == "h": rest, link = rest.split(" link to ", 1); link = "/" + link
        name = rest.rstrip("/")
        d, _, base = name.rpartition("/")
        if base == ".wh..wh..opq": row = (i, "/" + d, "opaque", "", 0, "")
        elif base.startswith(".wh."): row = (i, "/" + (d + "/" if d else "") + base[4:], "whiteout", "", 0, "")
        else: row = (i, "/" + name, types[mode[0]], mode, int(size), link)
        rows.append(row)
    return rows

expected = [r for i, l in enumerate(layers, 1) for r in from_tar(i, blob(l["digest"]))]
got = [(o["layer"], o["path"], o["type"], o["mode"], o["size"], o["link"]) for o in json.load(open(ours))]
if got != expected:
    fail("inspect --files --json differs from tar -tv:\n" +
         "\n".join(f"  tar {e}\n  got {g}" for e, g in zip(expected, got) if e != g) +
         f"\n  ({len(expected)} expected, {len(got)} got)")
for want in [(1, "/a/suid", "file", "-rwsr-xr-x", 4, ""), (1, "/a/run", "file", "-rwxr-xr-x", 9, ""),
             (1, "/c", "symlink", "lrw-r--r--", 0, "a/x"), (1, "/a/hard", "hardlink", "hrw-r--r--", 0, "/a/x"),
             (2, "/a/x", "whiteout", "", 0, ""), (2, "/b", "opaque", "", 0, ""),
             (2, "/e/zeros", "file", "-rw-r--r--", 70000, ""), (3, "/abs", "symlink", "lrw-r--r--", 0, "/usr/bin")]:
    if want not in got: fail(f"missing {want}")

# Replaying the listing (deletions applied) gives umoci's tree.
tree = {}
for layer in sorted({g[0] for g in got}):
    added = set()
    for _, path, kind, *_ in (g for g in got if g[0] == layer):
        if kind == "whiteout":
            tree = {p: v for p, v in tree.items() if p != path and not p.startswith(path + "/")}
        elif kind == "opaque":
            pre = path.rstrip("/") + "/"
            tree = {p: v for p, v in tree.items() if not p.startswith(pre) or p in added}
        else:
            tree[path] = kind; added.add(path)
umoci = set()
for d, dirs, files in os.walk(rootfs):
    for n in dirs + files: umoci.add("/" + os.path.relpath(os.path.join(d, n), rootfs))
if set(tree) != umoci: fail(f"replayed listing {sorted(set(tree) ^ umoci)} differs from umoci's tree")

# The human form: a header per layer, then one line per entry.
text = open(human).read()
def human_size(n):
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1048576 else f"{n / 1048576:.1f} MiB"
for i, l in enumerate(layers, 1):
    rows = [e for e in expected if e[0] == i]
    size, n = sum(e[4] for e in rows), len(rows)
    by = ["base layer", "second layer", "third layer"][i - 1]
    header = f"layer {i}  {l['digest'][:19]}  {human_size(size)} uncompressed in {n} entries  {by}\n"
    if header not in text: fail(f"no header {header!r} in:\n{text}")
for line in ["  -rwsr-xr-x           4  /a/suid\n", "  lrw-r--r--           0  /c -> a/x\n",
             "  hrw-r--r--           0  /a/hard link to /a/x\n", "  deleted                 /a/x\n",
             "  deleted                 /b/*  (opaque: all lower layers put there)\n"]:
    if line not in text: fail(f"no line {line!r} in:\n{text}")
print(f"ok: {len(got)} entries match tar -tv; the replayed tree matches umoci's ({len(umoci)} paths)")
PY

# Without --files: each layer's history comment.
out=$("$OCIMAKE" inspect "$T/img")
assert_contains "$out" "second layer
      comment: left out: 3 development files" "inspect: the layer's comment"

# A layer whose bytes do not match its digest: a one-line error naming it.
cp -r "$T/img" "$T/bad"
digest=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]+"/index.json")); m=json.load(open(sys.argv[1]+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); print(m["layers"][1]["digest"])' "$T/bad")
chmod u+w "$T/bad/blobs/sha256/${digest#sha256:}"
printf 'x' | dd of="$T/bad/blobs/sha256/${digest#sha256:}" bs=1 seek=20 conv=notrunc 2>/dev/null
expect_failure out "$OCIMAKE" inspect --files "$T/bad"
assert_one_line "$out"
assert_contains "$out" "layer $digest: missing or does not match its digest" "corrupt layer"
# A symlink target that would drive the terminal is shown escaped.
mk "$T/e.tar" "l:esc:$(printf 'x\033[2Jy')"
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/eimg" "$T/e.tar"
assert_contains "$("$OCIMAKE" inspect --files "$T/eimg")" '/esc -> x\x1b[2Jy' "escaped link target"

# A malformed whiteout: one line on stderr naming the layer and the entry.
mk "$T/w.tar" f:a/.wh..wh.x:
python3 "$OCIMAKE_TESTS_DIR/cli/make_layout.py" "$T/wimg" "$T/w.tar"
rc=0; out=$("$OCIMAKE" inspect --files "$T/wimg" 2>&1 >/dev/null) || rc=$?
assert_eq 1 "$rc" "malformed whiteout: exit status"
assert_one_line "$out"
assert_contains "$out" "invalid whiteout 'a/.wh..wh.x'" "malformed whiteout"
echo "ok: inspect --files"
