#!/bin/bash
# No-op build cost of an image: `cmake --build --target image` of
# examples/fmt-greeter after a full build, next to Ninja's own no-op of the
# same tree, in one run (hyperfine, 30 runs each after warm-up).
#   bench/noop.sh OCIMAKE_BUILD_DIR     (an ocimake build tree, for find_package)
set -euo pipefail
ocimake_dir=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)/examples/fmt-greeter
work=$(mktemp -d /var/tmp/ocimake-bench-noop.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cmake -G Ninja -S "$src" -B "$work/b" -Docimake_DIR="$ocimake_dir" >/dev/null
cmake --build "$work/b" >/dev/null
cmake --build "$work/b" --target image >/dev/null
ninja -C "$work/b" -n image | grep -q "no work to do" || { echo "not a no-op" >&2; exit 1; }
hyperfine -N --warmup 5 --runs 30 --export-json "$work/h.json" \
  "ninja -C $work/b" \
  "ninja -C $work/b image" \
  "cmake --build $work/b --target image" >/dev/null
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"].split(" -C ")[0].split(" --build ")[0] + (" image" if "image" in x["command"] else ""): x
     for x in json.load(open(sys.argv[1]))["results"]}
ms = {k: (v["mean"] * 1000, v["stddev"] * 1000) for k, v in r.items()}
for k, (m, s) in ms.items():
    print(f"{k:<20} {m:7.2f} ms ± {s:.2f}")
base = ms["ninja"][0]
print(f"ninja image vs ninja (no images): +{ms['ninja image'][0] - base:.2f} ms "
      f"(ratio {ms['ninja image'][0] / base:.2f})")
print(f"cmake --build --target image vs ninja: +{ms['cmake image'][0] - base:.2f} ms "
      "(cmake's own start-up included)")
PY
