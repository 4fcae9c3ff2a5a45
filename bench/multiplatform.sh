#!/bin/bash
# Building for arm64, in one run (issue 10's benchmark): the 40-file libfmt
# project of shared/bench/gen-project.sh built into an image
#   native        by ocimake for linux/amd64 (the host) in a bookworm toolchain
#   cross         by ocimake for linux/arm64 in the same toolchain, declared
#                 with PLATFORMS linux/amd64 linux/arm64 (cross-compiled)
#   emulated      the Docker way: shared/bench/peer-buildah.sh's multi-stage
#                 Dockerfile (library paths made arm64's) built by
#                 `buildah build --platform linux/arm64`, its build stage an
#                 arm64 bookworm rootfs (made with mmdebstrap) run under qemu
# Cold builds (a fresh build directory, buildah's --no-cache with an empty
# cache mount; toolchains and base images made before, untimed) are
# hyperfine medians of RUNS (default 5); then the no-op
# of the two-platform image against the one-platform one (medians of 10).
# Needs root for the peer: it registers qemu-aarch64 with binfmt_misc (flag
# F) when no handler is registered, and removes what it registered at exit.
# The peer's cache mount has an id of its own (id=peer-arm64), emptied before
# each cold run: without one, buildah shares /var/tmp/buildah-cache/build with
# peer-buildah.sh's amd64 builds, and the arm64 build reuses an amd64
# CMakeCache.txt (it then fails to find fmt), a trap of Docker's cache mounts.
#   bench/multiplatform.sh OCIMAKE_BUILD_DIR [SHARED_BENCH_DIR]
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
peer=$(realpath "${2:-$here/../../shared/bench}")
runs=${RUNS:-5}
for tool in hyperfine buildah podman mmdebstrap arch-test qemu-aarch64-static; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine buildah podman mmdebstrap arch-test qemu-user-static)" >&2; exit 2; }
done
work=$(mktemp -d /var/tmp/ocimake-bench-multi.XXXXXX)
binfmt=/proc/sys/fs/binfmt_misc
registered=""
cleanup() {
  [ -z "$registered" ] || echo -1 >"$binfmt/qemu-aarch64"
  rm -rf "$work"
}
trap cleanup EXIT
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-/var/tmp/ocimake-bench-cache}

# qemu for the emulated peer: a binfmt handler with the F flag (the kernel
# opens the interpreter at registration, so it works inside chroots).
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  printf '%s' ':qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' \
    >"$binfmt/register"
  registered=yes
fi

sh "$peer/gen-project.sh" "$work/app" 40
cp -r "$work/app" "$work/peer-app"
cat >>"$work/app/CMakeLists.txt" <<'CM'
find_package(ocimake REQUIRED)
add_container_toolchain(bookworm-cross DEBIAN bookworm PACKAGES g++ cmake ninja-build libfmt-dev
  PLATFORMS linux/amd64 linux/arm64)
foreach(platforms IN ITEMS linux/amd64 linux/arm64 "linux/amd64;linux/arm64")
  string(MAKE_C_IDENTIFIER "${platforms}" id)
  add_container_image(benchapp-${id} TOOLCHAIN bookworm-cross PLATFORMS ${platforms}
    ENTRYPOINT /usr/local/bin/benchapp)
endforeach()
CM
configure() { cmake -G Ninja -S "$work/app" -B "$1" -Docimake_DIR="$ocimake_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null; }

# The toolchain once, untimed (buildah's base import is not timed either).
configure "$work/warm" && cmake --build "$work/warm" --target ocimake-toolchain-bookworm-cross >/dev/null
cold() {  # NAME TARGET
  hyperfine --runs "$runs" --export-json "$work/$1.json" \
    --prepare "rm -rf $work/$1" -n "$1" \
    "cmake -G Ninja -S $work/app -B $work/$1 -Docimake_DIR=$ocimake_dir -DCMAKE_BUILD_TYPE=Release && cmake --build $work/$1 --target $2"
}
cold ocimake_native_cold benchapp-linux_amd64
cold ocimake_cross_cold benchapp-linux_arm64
configure "$work/b" && cmake --build "$work/b" --target image >/dev/null
hyperfine -N --warmup 2 --runs 10 --export-json "$work/noop.json" \
  -n ocimake_noop_one_platform "ninja -C $work/b benchapp-linux_amd64" \
  -n ocimake_noop_two_platforms "ninja -C $work/b benchapp-linux_amd64_linux_arm64"

echo "--- peer: peer-buildah.sh's Dockerfile for arm64, buildah build --platform linux/arm64"
tc=localhost/peer-toolchain-arm64:bookworm
cache=${PEER_CACHE:-/var/tmp/peer-toolchain}
if ! buildah inspect "$tc" >/dev/null 2>&1; then
  mkdir -p "$cache"
  [ -f "$cache/rootfs-arm64.tar" ] || {
    mmdebstrap --variant=minbase --architectures=arm64 --include=g++,cmake,ninja-build,libfmt-dev \
      bookworm "$cache/rootfs-arm64.part.tar" >/dev/null 2>&1
    mv "$cache/rootfs-arm64.part.tar" "$cache/rootfs-arm64.tar"
  }
  podman import --arch arm64 "$cache/rootfs-arm64.tar" "$tc" >/dev/null
fi
cat >"$work/peer-app/Dockerfile" <<DF
FROM $tc AS build
COPY . /src
RUN --mount=type=cache,id=peer-arm64,target=/build cmake -G Ninja -S /src -B /build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build /build && DESTDIR=/out cmake --install /build --prefix /usr/local >/dev/null
FROM scratch
COPY --from=build /out/ /
COPY --from=build /lib/aarch64-linux-gnu/libfmt.so.9 /lib/aarch64-linux-gnu/libstdc++.so.6 /lib/aarch64-linux-gnu/libc.so.6 /lib/aarch64-linux-gnu/libm.so.6 /lib/aarch64-linux-gnu/libgcc_s.so.1 /lib/aarch64-linux-gnu/
COPY --from=build /lib/ld-linux-aarch64.so.1 /lib/
ENTRYPOINT ["/usr/local/bin/benchapp"]
DF
grep -q 'FROM.*AS build' "$peer/peer-buildah.sh" || { echo "peer-buildah.sh changed: re-check the Dockerfile" >&2; exit 1; }
hyperfine --runs "$runs" --export-json "$work/peer.json" \
  --prepare "buildah rmi -f localhost/peer-app-arm64:latest >/dev/null 2>&1; buildah prune -af >/dev/null 2>&1; rm -rf /var/tmp/buildah-cache/peer-arm64; true" \
  -n buildah_emulated_cold \
  "buildah build --no-cache --isolation chroot --platform linux/arm64 --layers -t localhost/peer-app-arm64:latest $work/peer-app"

python3 - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
m = {}
for f in ("ocimake_native_cold", "ocimake_cross_cold", "noop", "peer"):
    for r in json.load(open(os.path.join(w, f + ".json")))["results"]:
        m[r["command"]] = r["median"]
native, cross, peer = m["ocimake_native_cold"], m["ocimake_cross_cold"], m["buildah_emulated_cold"]
print(f"cold: native amd64 {native:.2f} s, cross arm64 {cross:.2f} s, buildah emulated arm64 {peer:.2f} s")
print(f"  cross / native = {cross / native:.3f}  (goal <= 1.2)")
print(f"  emulated / cross = {peer / cross:.2f}  (goal >= 5)")
one, two = m["ocimake_noop_one_platform"], m["ocimake_noop_two_platforms"]
print(f"no-op: one platform {one * 1000:.2f} ms, two platforms {two * 1000:.2f} ms, "
      f"ratio {two / one:.2f}  (goal <= 2)")
PY
