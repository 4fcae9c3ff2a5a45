#!/bin/bash
# The build stage against the peer, in one run: the project of
# shared/bench/gen-project.sh (40 files, libfmt) built into an image in a
# Debian bookworm toolchain by ocimake, next to the same job as a multi-stage
# Dockerfile built by buildah (shared/bench/peer-buildah.sh's Dockerfile,
# with a cache mount for the build directory) and the bare build in the same
# rootfs (bubblewrap, as peer-buildah.sh's floor). Cold builds are timed once;
# the no-op and one-file-changed builds are hyperfine medians (RUNS, default
# 10; buildah's 5).
#   bench/build-stage.sh OCIMAKE_BUILD_DIR [SHARED_BENCH_DIR]
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
peer=$(realpath "${2:-$here/../../shared/bench}")
runs=${RUNS:-10}
for tool in hyperfine buildah bwrap mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine buildah bubblewrap mmdebstrap podman)" >&2; exit 2; }
done
work=$(mktemp -d /var/tmp/ocimake-bench-stage.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-/var/tmp/ocimake-bench-cache}

sh "$peer/gen-project.sh" "$work/app" 40
cp -r "$work/app" "$work/peer-app"
cat >>"$work/app/CMakeLists.txt" <<'CM'
find_package(ocimake REQUIRED)
add_container_toolchain(bookworm DEBIAN bookworm PACKAGES g++ cmake ninja-build libfmt-dev)
add_container_image(benchapp-image TOOLCHAIN bookworm ENTRYPOINT /usr/local/bin/benchapp
  TAG benchapp:1)
CM
once() { local s e; s=$(date +%s.%N); "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log"; exit 1; }
         e=$(date +%s.%N); echo "$e - $s" | bc; }
configure() { cmake -G Ninja -S "$work/app" -B "$1" -Docimake_DIR="$ocimake_dir" -DCMAKE_BUILD_TYPE=Release; }
# One edit of unit0.cpp, in ocimake's copy and in the bare build's copy.
edit="for d in app peer-app; do echo \"// edit \$(date +%s%N)\" >>$work/\$d/src/unit0.cpp; done"

# The toolchain once (not timed: buildah's base import is not timed either).
configure "$work/warm" >/dev/null && cmake --build "$work/warm" --target ocimake-toolchain-bookworm >/dev/null
rootfs=$(cat "$work/warm/CMakeFiles/ocimake-toolchains/bookworm.rootfs")
configure "$work/b" >/dev/null
echo "ocimake_cold $(once cmake --build "$work/b" --target image)"
once cmake --build "$work/b" >/dev/null  # the host build of the same project, for Ninja's own no-op

# The floor: the bare inner build in the same rootfs, as peer-buildah.sh's
# (of the project without the ocimake lines).
mkdir "$work/floor"
cat >"$work/bare.sh" <<SH
#!/bin/sh
exec bwrap --ro-bind "$rootfs" / --proc /proc --dev /dev --tmpfs /tmp --ro-bind "$work/peer-app" /src \\
  --bind "$work/floor" /build --unshare-all "\$@"
SH
chmod +x "$work/bare.sh"
"$work/bare.sh" sh -c 'cmake -G Ninja -S /src -B /build -DCMAKE_BUILD_TYPE=Release && cmake --build /build' >/dev/null

hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/noop.json" \
  -n ninja_noop "ninja -C $work/b" \
  -n ocimake_noop_ninja "ninja -C $work/b image" \
  -n ocimake_noop "cmake --build $work/b --target image"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/one.json" --prepare "$edit" \
  -n bare_one_file "$work/bare.sh cmake --build /build" \
  -n ocimake_one_file "cmake --build $work/b --target image"

echo "--- peer: the Dockerfile of shared/bench/peer-buildah.sh, by buildah"
# The peer script as it is, but keeping its Dockerfile for the repeated runs.
sed 's|rm -rf "$floor" "$app/Dockerfile"|rm -rf "$floor"|' "$peer/peer-buildah.sh" >"$work/peer.sh"
bash "$work/peer.sh" "$work/peer-app" >"$work/peer.log" 2>&1 || { cat "$work/peer.log"; exit 1; }
grep -E "^(buildah|floor)_" "$work/peer.log"
bud="buildah bud --isolation chroot --layers -t localhost/peer-app:latest $work/peer-app"
hyperfine --warmup 1 --runs 5 --export-json "$work/peer.json" -n buildah_noop "$bud"
hyperfine --runs 5 --export-json "$work/peer-one.json" \
  --prepare "echo \"// edit \$(date +%s%N)\" >>$work/peer-app/src/unit0.cpp" -n buildah_one_file "$bud"

python3 - "$work" <<'PY'
import json, sys, os, gzip
w = sys.argv[1]
m = {}
for f in ("noop", "one", "peer", "peer-one"):
    for r in json.load(open(os.path.join(w, f + ".json")))["results"]:
        m[r["command"]] = r["median"]
print(f"no-op: ocimake {m['ocimake_noop']:.4f} s (ninja image {m['ocimake_noop_ninja']:.4f} s), "
      f"host ninja {m['ninja_noop']:.4f} s, buildah {m['buildah_noop']:.3f} s")
print(f"  ocimake / buildah = {m['ocimake_noop'] / m['buildah_noop']:.3f}  (goal <= 0.1)")
print(f"  ninja image - ninja = {m['ocimake_noop_ninja'] - m['ninja_noop']:+.4f} s  (goal <= 0.03)")
print(f"one file: ocimake {m['ocimake_one_file']:.3f} s, bare {m['bare_one_file']:.3f} s, "
      f"buildah {m['buildah_one_file']:.3f} s")
print(f"  ocimake - bare = {m['ocimake_one_file'] - m['bare_one_file']:+.3f} s  (goal <= 0.1); "
      f"ocimake / buildah = {m['ocimake_one_file'] / m['buildah_one_file']:.3f}")
layout = os.path.join(w, "b", "benchapp-image")
blob = lambda d: os.path.join(layout, "blobs", "sha256", d.split(":")[1])
idx = json.load(open(os.path.join(layout, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
print("ocimake_image_bytes_compressed", sum(l["size"] for l in man["layers"]))
print("ocimake_image_bytes_uncompressed", sum(len(gzip.open(blob(l["digest"])).read()) for l in man["layers"]))
PY
