# skopeo, umoci, buildah and podman accept an example's image.
# usage: real_clients.sh EXAMPLE
. "$OCIMAKE_TESTS_DIR/lib.sh"
example=$1
case $example in
  hello) image=hello-image tag=hello:1.0 bin=/usr/local/bin/hello expect="hello, CI!" ;;
  fmt-greeter) image=greeter-image tag=greeter:1.0 bin=/usr/local/bin/greeter expect="hello, CI!" ;;
  *) fail "unknown example $example" ;;
esac
need skopeo skopeo; need umoci umoci; need buildah buildah; need podman podman

build_example "$OCIMAKE_SOURCE_DIR/examples/$example" "$T/build"
layout="$T/build/$image"
digest=$(cat "$T/build/CMakeFiles/$image.ocimake/image.digest")
# skopeo's oci:DIR:REF and umoci's DIR:REF name org.opencontainers.image.ref.name,
# which holds the tag alone ("1.0"), as moby and containerd write it.
ref=${tag##*:}

note "skopeo inspect"
got=$(skopeo inspect "oci:$layout:$ref" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
assert_eq "$digest" "$got" "skopeo's manifest digest"

note "skopeo copy to docker-archive and oci-archive"
skopeo copy -q "oci:$layout:$ref" "docker-archive:$T/copy.docker.tar:$tag"
skopeo copy -q "oci:$layout:$ref" "oci-archive:$T/copy.oci.tar:$tag"
skopeo inspect "docker-archive:$T/copy.docker.tar" >/dev/null
skopeo inspect "oci-archive:$T/copy.oci.tar" >/dev/null

note "umoci unpack: the files are the staged tree, the closure and the runtime user's"
umoci unpack --rootless --image "$layout:$ref" "$T/bundle" >/dev/null 2>&1 || fail "umoci unpack"
(cd "$T/bundle/rootfs" && find . -mindepth 1 ! -type d | sed 's|^\./||' | sort) >"$T/unpacked"
work="$T/build/CMakeFiles/$image.ocimake"
# (libs.txt holds only files and symlinks: the closure never adds a directory.)
{ (cd "$work/stage" && find . -mindepth 1 ! -type d | sed 's|^\./||')
  grep -v '^#' "$work/libs.txt" | cut -f1
  printf '%s\n' etc/passwd etc/group; } | sort -u >"$T/expected"
diff -u "$T/expected" "$T/unpacked" || fail "unpacked files differ from staged + closure + user"
# The runtime user's directories, with their owners and modes, as the layer
# tars hold them.
for d in tmp:1777:0 home/nonroot:700:65532; do
  IFS=: read -r path mode uid <<<"$d"
  got=$(python3 -c 'import sys,tarfile,json,glob
for f in sorted(glob.glob(sys.argv[1]+"/blobs/sha256/*")):
    try: t=tarfile.open(f)
    except Exception: continue
    for m in t.getmembers():
        if m.name.rstrip("/")==sys.argv[2]: print("%o:%d" % (m.mode, m.uid))' "$layout" "$path")
  assert_eq "$mode:$uid" "$got" "/$path mode and owner in the layer"
done
[ -x "$T/bundle/rootfs$bin" ] || fail "$bin is not executable in the image"

note "buildah run prints the greeting"
ctr=$(buildah from --name "ocimake-test-$$" "oci:$layout:$ref")
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
out=$(buildah run --isolation chroot "$ctr" "$bin" --name CI 2>&1) || fail "buildah run: $out"
assert_eq "$expect" "$out" "greeting"

note "podman load of <image>-archive"
# A store of its own, fresh: podman reuses a layer its store already has
# with the same diff_id, and then reports the manifest digest of the
# compressed blob it stored earlier (another build's gzip bytes), not this
# image's.
# (the run root in a short path: podman refuses one longer than 50 bytes)
podman_run=$(mktemp -d /tmp/podman-run.XXXXXX)
trap 'rm -rf "$T" "$podman_run"' EXIT
podman() { command podman --root "$T/podman" --runroot "$podman_run" --storage-driver vfs "$@"; }
"$CMAKE_COMMAND" --build "$T/build" --target "$image-archive" >/dev/null
[ -f "$T/build/$image.tar" ] || fail "$image.tar was not written"
loaded=$(podman load -i "$T/build/$image.tar" 2>&1) || fail "podman load: $loaded"
assert_contains "$loaded" "$tag"
id=$(podman image inspect "$tag" --format '{{.Digest}}') || fail "podman does not know $tag"
assert_eq "$digest" "$id" "podman's digest of the loaded image"
assert_eq "65532:65532" "$(podman image inspect "$tag" --format '{{.Config.User}}')" \
  "podman sees the image's non-root user"
echo "ok: $example image accepted by skopeo, umoci, buildah, podman"
