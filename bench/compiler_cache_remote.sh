#!/bin/bash
# A fresh build directory with an empty local compiler cache but a warm
# Redis (OCIMAKE_COMPILER_CACHE_REMOTE) against a cold build: 40 translation
# units (shared/bench/gen-project.sh's, without libfmt so the toolchain is
# tests/toolchain/compiler_cache*.sh's: g++ cmake ninja-build ccache),
# COMPILER_CACHE ccache, hyperfine medians of RUNS=5. Each run configures
# and builds a new build directory with a new OCIMAKE_CACHE_DIR (the
# toolchain shared through a symlink): cold after FLUSHALL, then "remote"
# with Redis as the cold runs left it.
#   bench/compiler_cache_remote.sh BUILD_DIR [SHARED_BENCH]
set -euo pipefail
B=$(realpath "${1:?usage: compiler_cache_remote.sh BUILD_DIR [SHARED_BENCH]}")
SHARED=${2:-$(dirname "$0")/../../shared/bench}
RUNS=${RUNS:-5}
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-$B/tests/cache}
W=$(mktemp -d)
sh "$SHARED/gen-project.sh" "$W/p" 40 >/dev/null
# libfmt out: std::to_string instead.
sed -i 's|#include <fmt/format.h>|#include <string>|' "$W"/p/src/*.cpp
sed -i 's|fmt::format("k{}", k % 7)|"k" + std::to_string(k % 7)|; s|out += fmt::format("{}={};", key, \(.*\));$|out += key + "=" + std::to_string(\1) + ";";|' "$W"/p/src/unit*.cpp
sed -i 's|fmt::print("benchapp ok {}\\n", total);|return total == 0;|' "$W/p/src/main.cpp"
sed -i '/find_package(fmt/d; /target_link_libraries/d' "$W/p/CMakeLists.txt"
cat >>"$W/p/CMakeLists.txt" <<CM
find_package(ocimake REQUIRED)
add_container_toolchain(bookworm-ccache DEBIAN bookworm PACKAGES g++ cmake ninja-build ccache)
add_container_image(bench-image TOOLCHAIN bookworm-ccache COMPILER_CACHE ccache
  ENTRYPOINT /usr/local/bin/benchapp)
CM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
  --logfile "$W/redis.log" &
redis_pid=$!
trap 'kill "$redis_pid" || :; rm -rf "$W"' EXIT
mkdir -p "$OCIMAKE_CACHE_DIR/toolchains"
cat >"$W/build.sh" <<SH
#!/bin/sh
# build.sh NAME: a new build directory and local cache, configured and built
set -e
rm -rf "$W/\$1" "$W/cache-\$1"; mkdir -p "$W/cache-\$1"
ln -s "$OCIMAKE_CACHE_DIR/toolchains" "$W/cache-\$1/toolchains"
cmake -G Ninja -S "$W/p" -B "$W/\$1" -Docimake_DIR="$B" -DOCIMAKE_CACHE_DIR="$W/cache-\$1" \
  -DOCIMAKE_COMPILER_CACHE_REMOTE=redis://127.0.0.1:$port >/dev/null
cmake --build "$W/\$1" --target image >"$W/\$1.log" 2>&1
SH
chmod +x "$W/build.sh"
"$W/build.sh" warmup  # the toolchain made (or found), not timed
hyperfine --runs "$RUNS" --export-json "$W/h.json" \
  --prepare "redis-cli -p $port flushall >/dev/null" -n cold "$W/build.sh cold" \
  --prepare true -n remote "$W/build.sh remote"
grep -h 'compiler cache:' "$W/cold.log" "$W/remote.log"
python3 - "$W/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cold, remote = r["cold"]["median"], r["remote"]["median"]
print(f"cold {cold:.2f} s, fresh build directory with only Redis {remote:.2f} s: {remote / cold:.2f}x")
PY
