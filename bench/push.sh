#!/usr/bin/env bash
# Pushing an image whose only change is the application layer, with ocimake
# and with skopeo, to the same local registry (Debian's docker-registry, plain
# http on a loopback port), in one run. Bytes sent are counted by a TCP proxy
# in front of the registry (byte_counter.py), so both tools are measured the
# same way. Prints seconds, bytes sent, and ocimake/skopeo ratios.
#
#   bench/push.sh [BUILD_DIR]        (default: build; needs bin/ocimake there)
#   BASE_MB=64 APP_MB=4 RUNS=3 bench/push.sh
#
# Scenarios, each against its own repository:
#   cold         the image into an empty repository (every blob uploaded)
#   incremental  after pushing v1, v2 differs by one file of the app layer:
#                only the app layer, the config and the manifest are new
#                (repeated RUNS times, fresh repositories and a new v2 each
#                time; the median is printed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
OCIMAKE=$(cd "$build" && pwd)/bin/ocimake
[ -x "$OCIMAKE" ] || { echo "no $OCIMAKE: build ocimake first" >&2; exit 1; }
for tool in docker-registry skopeo python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench/push.sh needs $tool" >&2; exit 1; }
done
BASE_MB=${BASE_MB:-64}
APP_MB=${APP_MB:-4}
RUNS=${RUNS:-3}

work=$(mktemp -d "${TMPDIR:-/tmp}/ocimake-bench-push.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The registry, and the byte counter in front of it.
reg_port=$(free_port)
cat >"$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$reg_port, secret: bench}
YML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 </dev/null &
pids+=($!)
disown
proxy_port=$(free_port)
python3 "$here/byte_counter.py" "$proxy_port" "127.0.0.1:$reg_port" "$work/stats" </dev/null &
pids+=($!)
disown
for i in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$proxy_port/v2/" && break
  sleep 0.1
done
registry="127.0.0.1:$proxy_port"
sent_bytes() {
  rm -f "$work/stats"
  kill -USR1 "${pids[1]}"
  while [ ! -s "$work/stats" ]; do sleep 0.02; done
  cut -d' ' -f1 "$work/stats"
}

# The image: a base layer of BASE_MB (incompressible), a small libs layer,
# and an app layer of APP_MB; v2 changes one file of the app layer.
make_image() {  # LAYOUT VERSION
  local layout=$1 version=$2 tree=$work/tree-$2
  mkdir -p "$tree/base/usr/lib" "$tree/libs/usr/lib/app" "$tree/app/usr/local/bin"
  [ -f "$work/base.bin" ] || head -c $((BASE_MB << 20)) /dev/urandom >"$work/base.bin"
  [ -f "$work/app.bin" ] || head -c $((APP_MB << 20)) /dev/urandom >"$work/app.bin"
  cp "$work/base.bin" "$tree/base/usr/lib/base.bin"
  printf 'libs\n' >"$tree/libs/usr/lib/app/libapp.txt"
  cp "$work/app.bin" "$tree/app/usr/local/bin/app"
  printf 'version %s\n' "$version" >"$tree/app/usr/local/bin/version.txt"
  "$OCIMAKE" layer --tree "$tree/base" --layout "$work/store" --output "$tree/base.json" >/dev/null
  "$OCIMAKE" layer --tree "$tree/libs" --layout "$work/store" --output "$tree/libs.json" >/dev/null
  "$OCIMAKE" layer --tree "$tree/app" --layout "$work/store" --output "$tree/app.json" >/dev/null
  "$OCIMAKE" image --layout "$layout" --layer-store "$work/store" --layer "$tree/base.json" \
    --layer "$tree/libs.json" --layer "$tree/app.json" --tag app >/dev/null
}
echo "building the images (base ${BASE_MB} MB, app ${APP_MB} MB)..." >&2
make_image "$work/v1" 1
# One v2 per run: each run's new app layer is new to the registry (no tool
# can mount it from an earlier run's repository).
for run in $(seq 1 "$RUNS"); do make_image "$work/v2.$run" "2.$run"; done

# Fresh caches: ocimake's blob locations, skopeo's blob-info cache ($HOME).
export OCIMAKE_CACHE_DIR="$work/cache"
export HOME="$work/home"
mkdir -p "$HOME"
now() { date +%s.%N; }
# measure NAME CMD...: appends "NAME seconds bytes" to $work/results
measure() {
  local name=$1; shift
  local before after start end
  before=$(sent_bytes)
  start=$(now)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  end=$(now)
  after=$(sent_bytes)
  echo "$name $(python3 -c "print(f'{$end - $start:.3f}')") $((after - before))" >>"$work/results"
}
ocimake_push() { "$OCIMAKE" push "$1" "$registry/$2"; }
skopeo_push() { skopeo copy -q --dest-tls-verify=false "oci:$1:app" "docker://$registry/$2"; }

: >"$work/results"
echo "cold pushes..." >&2
measure ocimake.cold ocimake_push "$work/v1" bench/ocimake-cold:1
measure skopeo.cold skopeo_push "$work/v1" bench/skopeo-cold:1
for run in $(seq 1 "$RUNS"); do
  echo "incremental push, run $run of $RUNS..." >&2
  ocimake_push "$work/v1" "bench/ocimake-inc$run:1" >/dev/null
  skopeo_push "$work/v1" "bench/skopeo-inc$run:1" >/dev/null
  measure ocimake.incremental ocimake_push "$work/v2.$run" "bench/ocimake-inc$run:2"
  measure skopeo.incremental skopeo_push "$work/v2.$run" "bench/skopeo-inc$run:2"
done

python3 - "$work/results" "$BASE_MB" "$APP_MB" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
data = {}
for name, secs, sent in rows:
    data.setdefault(name, []).append((float(secs), int(sent)))
def med(name, i):
    return statistics.median(v[i] for v in data[name])
print(f"push: base layer {sys.argv[2]} MB, app layer {sys.argv[3]} MB (incompressible), "
      f"docker-registry on loopback")
print(f"{'scenario':<13}{'ocimake s':>11}{'skopeo s':>11}{'ratio':>8}"
      f"{'ocimake bytes':>16}{'skopeo bytes':>16}{'ratio':>8}")
for scenario in ("cold", "incremental"):
    o, s = f"ocimake.{scenario}", f"skopeo.{scenario}"
    ot, st, ob, sb = med(o, 0), med(s, 0), med(o, 1), med(s, 1)
    print(f"{scenario:<13}{ot:>11.3f}{st:>11.3f}{ot / st:>8.2f}{ob:>16,.0f}{sb:>16,.0f}"
          f"{ob / sb:>8.2f}")
print("(ratio = ocimake / skopeo; incremental: median of", len(data["ocimake.incremental"]), "runs)")
PY
