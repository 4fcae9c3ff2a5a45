#!/usr/bin/env bash
# Pushing and pulling an image of TOTAL_MB (incompressible) in LAYERS layers
# with ocimake (blobs --jobs at a time, default 4) and with skopeo copy, to and
# from the same local registry (Debian's docker-registry, plain http on a
# loopback port), in one run; hyperfine medians of RUNS runs each, and the
# ratios ocimake/skopeo.
#
#   bench/transfer.sh [BUILD_DIR]        (default: build; needs bin/ocimake there)
#   TOTAL_MB=1024 LAYERS=20 RUNS=5 JOBS=4 bench/transfer.sh build/dev
#   TOTAL_MB=100 LAYERS=10 RUNS=5 bench/transfer.sh build/dev     (a short run)
#
# push: into a new repository each run (a counter), with fresh caches, so no
#       tool may skip or mount a blob: every byte is uploaded;
# pull: from that registry into an empty cache and an empty layout each run
#       (ocimake pull; skopeo copy docker://... oci:...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
OCIMAKE=$(cd "$build" && pwd)/bin/ocimake
[ -x "$OCIMAKE" ] || { echo "no $OCIMAKE: build ocimake first" >&2; exit 1; }
for tool in docker-registry skopeo hyperfine python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench/transfer.sh needs $tool" >&2; exit 1; }
done
TOTAL_MB=${TOTAL_MB:-1024}
LAYERS=${LAYERS:-20}
RUNS=${RUNS:-5}
JOBS=${JOBS:-4}

work=$(mktemp -d "${TMPDIR:-/tmp}/ocimake-bench-transfer.XXXXXX")
cleanup() {
  [ -f "$work/registry.pid" ] && kill -9 "$(cat "$work/registry.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port=$(free_port)
cat >"$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$port, secret: bench}
YML
# fresh-registry: (re)starts the registry with empty storage, so that no
# tool can skip or mount a blob it pushed before (skopeo's blob-info cache
# lives in /var/lib/containers for root and cannot be moved).
cat >"$work/fresh-registry" <<SH
#!/bin/sh
[ -f "$work/registry.pid" ] && kill -9 \$(cat "$work/registry.pid") 2>/dev/null
rm -rf "$work/storage" "$work/cache" "$work/home/.local/share/containers"
setsid docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 </dev/null &
echo \$! >"$work/registry.pid"
for i in \$(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && exit 0; sleep 0.05; done
exit 1
SH
chmod +x "$work/fresh-registry"
"$work/fresh-registry"
registry="127.0.0.1:$port"

# The image: LAYERS layers of TOTAL_MB/LAYERS random bytes each.
echo "building the image (${TOTAL_MB} MB in ${LAYERS} layers)..." >&2
per=$((TOTAL_MB * 1024 * 1024 / LAYERS))
layers=()
for i in $(seq 1 "$LAYERS"); do
  mkdir -p "$work/t$i/data"
  head -c "$per" /dev/urandom >"$work/t$i/data/part$i.bin"
  "$OCIMAKE" layer --tree "$work/t$i" --layout "$work/store" --output "$work/l$i.json" >/dev/null
  layers+=(--layer "$work/l$i.json")
  rm -rf "$work/t$i"
done
"$OCIMAKE" image --layout "$work/img" --base scratch --layer-store "$work/store" "${layers[@]}" \
  --tag app >/dev/null
rm -rf "$work/store"
export OCIMAKE_CACHE_DIR="$work/cache" HOME="$work/home" OCIMAKE_TRANSFER_JOBS=$JOBS
mkdir -p "$HOME"
# Commands for hyperfine: push into a fresh registry each run; pull from the
# image pushed once, into an empty cache and an empty layout each run.
cat >"$work/clear-pull" <<SH
#!/bin/sh
rm -rf "$work/cache" "$work/pulled"
SH
chmod +x "$work/clear-pull"
push_o="\"$OCIMAKE\" push \"$work/img:app\" \"$registry/bench/app:1\" >/dev/null"
push_s="skopeo copy -q --dest-tls-verify=false \"oci:$work/img:app\" \"docker://$registry/bench/app:1\""
pull_o="\"$OCIMAKE\" pull \"$registry/bench/app:1\" \"$work/pulled:app\" >/dev/null"
pull_s="skopeo copy -q --src-tls-verify=false \"docker://$registry/bench/app:1\" \"oci:$work/pulled:app\""
hf() {  # JSON PREPARE OCIMAKE_CMD SKOPEO_CMD
  hyperfine --runs "$RUNS" --warmup 1 --prepare "$2" --export-json "$1" \
    -n ocimake "$3" -n skopeo "$4" >&2
}
echo "push (hyperfine, $RUNS runs)..." >&2
hf "$work/push.json" "$work/fresh-registry" "$push_o" "$push_s"
"$OCIMAKE" push "$work/img:app" "$registry/bench/app:1" >/dev/null  # the pull's source
echo "pull (hyperfine, $RUNS runs)..." >&2
hf "$work/pull.json" "$work/clear-pull" "$pull_o" "$pull_s"

python3 - "$work" "$TOTAL_MB" "$LAYERS" "$JOBS" "$RUNS" <<'PY'
import json, sys
work, total, layers, jobs, runs = sys.argv[1:]
print(f"transfer: {total} MB in {layers} layers (incompressible), docker-registry on loopback, "
      f"ocimake --jobs {jobs}, medians of {runs} runs")
print(f"{'':<6}{'ocimake s':>11}{'skopeo s':>11}{'ratio':>8}")
for what in ("push", "pull"):
    res = {r["command"]: r["median"] for r in json.load(open(f"{work}/{what}.json"))["results"]}
    o, s = res["ocimake"], res["skopeo"]
    print(f"{what:<6}{o:>11.3f}{s:>11.3f}{o / s:>8.2f}")
print("(ratio = ocimake / skopeo; goal <= 0.80)")
PY
