#!/bin/bash
# The build stage against the peer, in one run: the project of
# shared/bench/gen-project.sh (40 files, libfmt) built into an image in a
# Debian bookworm toolchain by ocimake, next to shared/bench/peer-buildah.sh
# (the same job as a multi-stage Dockerfile built by buildah, with a cache
# mount for the build directory, and the bare build in the same rootfs).
# Cold (toolchains already made), no-op, one file changed; image sizes.
#   bench/build-stage.sh OCIMAKE_BUILD_DIR [SHARED_BENCH_DIR]
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
peer=$(realpath "${2:-$here/../../shared/bench}")
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
t() { local s e; s=$(date +%s.%N); "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log"; exit 1; }
      e=$(date +%s.%N); echo "$e - $s" | bc; }
configure() { cmake -G Ninja -S "$work/app" -B "$1" -Docimake_DIR="$ocimake_dir" -DCMAKE_BUILD_TYPE=Release; }

# Make the toolchain once (not timed: buildah's base import is not timed either).
configure "$work/warm" >/dev/null && cmake --build "$work/warm" --target ocimake-toolchain-bookworm >/dev/null
configure "$work/b" >/dev/null
echo "ocimake_cold $(t cmake --build "$work/b" --target image)"
echo "ocimake_noop $(t cmake --build "$work/b" --target image)"
touch "$work/app/src/unit0.cpp"; echo "// edit $(date +%s%N)" >>"$work/app/src/unit0.cpp"
echo "ocimake_one_file $(t cmake --build "$work/b" --target image)"
python3 - "$work/b/benchapp-image" <<'PY'
import json, os, sys, gzip
layout = sys.argv[1]
idx = json.load(open(os.path.join(layout, "index.json")))
blob = lambda d: os.path.join(layout, "blobs", "sha256", d["digest"].split(":")[1])
m = json.load(open(blob(idx["manifests"][0])))
comp = sum(l["size"] for l in m["layers"])
raw = sum(len(gzip.open(blob(l)).read()) for l in m["layers"])
print(f"ocimake_image_bytes_compressed {comp}")
print(f"ocimake_image_bytes_uncompressed {raw}")
PY
echo "--- peer (shared/bench/peer-buildah.sh), same machine, same run"
bash "$peer/peer-buildah.sh" "$work/peer-app"
