#!/bin/bash
# The compiler cache of the build stage (CACHE_MOUNTS ccache, COMPILER_CACHE
# ccache; issue 15) against the peer, in one run: the project of
# shared/bench/gen-project.sh (FILES translation units, default 40, libfmt)
# built into an image in a Debian bookworm toolchain with ccache, each run in
# a fresh build directory (hyperfine --prepare makes it):
#   cold          the cache mount emptied first
#   warm_local    the cache mount warm (a build before filled it)
#   warm_redis    the cache mount emptied, only a warm Redis (ccache remote
#                 storage, OCIMAKE_COMPILER_CACHE_REMOTE; redis-server on
#                 loopback, started here and stopped by the trap); only when
#                 this ocimake's module knows OCIMAKE_COMPILER_CACHE_REMOTE
#   peer_warm     the same job as a multi-stage Dockerfile built by buildah
#                 (shared/bench/peer-buildah.sh's, with
#                 RUN --mount=type=cache,target=/root/.ccache and ccache as the
#                 compiler launcher), --layers=false so the RUN step runs each
#                 time, in a fresh /build, with the cache mount warm
# Hyperfine medians of RUNS (default 5) runs; prints the ratios warm / cold
# and warm / peer. The peer's toolchain image is ocimake's toolchain rootfs
# imported with podman (peer-buildah.sh imports an mmdebstrap tarball of the
# same packages: the same bytes, made once).
#   bench/compiler_cache.sh OCIMAKE_BUILD_DIR [SHARED_BENCH_DIR]
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
peer=$(realpath "${2:-$here/../../shared/bench}")
runs=${RUNS:-5}
files=${FILES:-40}
for tool in hyperfine buildah podman mmdebstrap redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine buildah podman mmdebstrap redis-server)" >&2; exit 2; }
done
work=$(mktemp -d /var/tmp/ocimake-bench-ccache.XXXXXX)
redis_pid=""
cleanup() {
  [ -z "$redis_pid" ] || kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-/var/tmp/ocimake-bench-cache}

sh "$peer/gen-project.sh" "$work/app" "$files" >/dev/null
cp -r "$work/app" "$work/peer-app"
cat >>"$work/app/CMakeLists.txt" <<'CM'
find_package(ocimake REQUIRED)
add_container_toolchain(bookworm DEBIAN bookworm PACKAGES g++ cmake ninja-build ccache libfmt-dev)
add_container_image(benchapp-image TOOLCHAIN bookworm
  CACHE_MOUNTS ccache COMPILER_CACHE ccache
  ENTRYPOINT /usr/local/bin/benchapp TAG benchapp:1)
CM
configure() {  # BUILD_DIR [cmake args]
  local b=$1; shift
  cmake -G Ninja -S "$work/app" -B "$b" -Docimake_DIR="$ocimake_dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
}

# The toolchain once (not timed, as the peer's image import is not).
configure "$work/warm"
cmake --build "$work/warm" --target ocimake-toolchain-bookworm >"$work/toolchain.log" 2>&1 ||
  { tail -20 "$work/toolchain.log"; exit 1; }
rootfs=$(cat "$work/warm/CMakeFiles/ocimake-toolchains/bookworm.rootfs")
key=$(basename "$(dirname "$rootfs")")
mount="$OCIMAKE_CACHE_DIR/mounts/$key/ccache"
build="cmake --build $work/b --target image"
fresh="rm -rf $work/b && cmake -G Ninja -S $work/app -B $work/b -Docimake_DIR=$ocimake_dir -DCMAKE_BUILD_TYPE=Release >/dev/null"

# Redis: only when this ocimake passes ccache remote storage into the stage.
remote=""
module=$(sed -n 's|^include("\(.*\)/Ocimake.cmake")$|\1|p' "$ocimake_dir/ocimake-config.cmake")
if grep -rqs OCIMAKE_COMPILER_CACHE_REMOTE "$module"; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize no \
    >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  remote="redis://127.0.0.1:$port"
else
  echo "warm_redis: not measured (this ocimake's module has no OCIMAKE_COMPILER_CACHE_REMOTE)" >&2
fi

# Warm the local cache mount (and Redis) with one build.
rm -rf "$mount"
configure "$work/w1" ${remote:+-DOCIMAKE_COMPILER_CACHE_REMOTE=$remote}
cmake --build "$work/w1" --target image >"$work/w1.log" 2>&1 || { tail -30 "$work/w1.log"; exit 1; }
grep -i "ccache" "$work/w1.log" | tail -2 || true

# The peer: its toolchain image, its Dockerfile with the cache mount.
tc=localhost/ocimake-bench-ccache-toolchain:bookworm
buildah inspect "$tc" >/dev/null 2>&1 || tar -C "$rootfs" -c . | podman import - "$tc" >/dev/null
cat >"$work/peer-app/Dockerfile" <<DF
FROM $tc AS build
COPY . /src
ENV CCACHE_DIR=/root/.ccache
RUN --mount=type=cache,target=/root/.ccache cmake -G Ninja -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null && cmake --build /build && DESTDIR=/out cmake --install /build --prefix /usr/local >/dev/null && ccache -s | grep -i hits
FROM scratch
COPY --from=build /out/ /
COPY --from=build /lib/x86_64-linux-gnu/libfmt.so.9 /lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libm.so.6 /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/
COPY --from=build /lib64/ld-linux-x86-64.so.2 /lib64/
ENTRYPOINT ["/usr/local/bin/benchapp"]
DF
bud="buildah bud --isolation chroot --layers=false -t localhost/ocimake-bench-ccache-app:latest $work/peer-app"
$bud >"$work/peer-warmup.log" 2>&1 || { tail -30 "$work/peer-warmup.log"; exit 1; }

args=(-n cold --prepare "$fresh && rm -rf $mount" "$build"
      -n warm_local --prepare "$fresh" "$build")
if [ -n "$remote" ]; then
  args+=(-n warm_redis --prepare "$fresh -DOCIMAKE_COMPILER_CACHE_REMOTE=$remote && rm -rf $mount" "$build")
fi
args+=(-n peer_warm --prepare "true" "$bud")
hyperfine --runs "$runs" --export-json "$work/ccache.json" "${args[@]}"

# The caches did their work: one more warm build of each, its hit counts.
eval "$fresh"
$build 2>&1 | grep "compiler cache:" | sed 's/^/ocimake warm_local: /' || true
$bud 2>&1 | grep -i "hits:" | sed 's/^ */peer_warm: ccache /' || true

python3 - "$work/ccache.json" "$files" <<'PY'
import json, sys
m = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
print(f"--- {sys.argv[2]} files, hyperfine medians (s): "
      + ", ".join(f"{k} {v:.2f}" for k, v in m.items()))
print(f"  warm_local / cold      = {m['warm_local'] / m['cold']:.3f}  (goal <= 0.3)")
if "warm_redis" in m:
    print(f"  warm_redis / cold      = {m['warm_redis'] / m['cold']:.3f}")
print(f"  warm_local / peer_warm = {m['warm_local'] / m['peer_warm']:.3f}  (goal <= 1)")
PY
