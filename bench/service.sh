#!/bin/bash
# A service test against the peer, in one run: examples/http-service's
# greeting-api image started, waited for until /health answers, asked
# /v1/ping by the host's curl, stopped with SIGTERM and waited for (a clean
# exit), the wall time of the whole. ocimake: `ocimake service-test` (its
# pod: network and pid namespaces, its readiness probe's backoff from 10 ms).
# Peer: the way it is done today without a daemon, `buildah run` of the same
# image (chroot isolation, the host's network, so on a free port) in the
# background, a curl loop polling /health every 50 ms, curl /v1/ping, then
# kill -TERM and wait (buildah kills the server rather than pass SIGTERM on,
# so the peer checks less: no clean shutdown). `buildah from` is done once, not timed (as the image
# build and ocimake's unpacked-image cache are not). hyperfine medians of
# RUNS (default 10) each.
#   bench/service.sh OCIMAKE_BUILD_DIR
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-10}
ocimake="$ocimake_dir/bin/ocimake"
[ -x "$ocimake" ] || { echo "no $ocimake: build ocimake first" >&2; exit 2; }
for pair in hyperfine:hyperfine buildah:buildah curl:curl mmdebstrap:mmdebstrap; do
  command -v "${pair%%:*}" >/dev/null ||
    apt-get install -y -qq "${pair#*:}" >/dev/null ||
    { echo "needs ${pair%%:*} (apt-get install ${pair#*:})" >&2; exit 2; }
done
# (lower case: buildah derives an image name from an oci: path)
work=/var/tmp/ocimake-bench-service.$$
rm -rf "$work" && mkdir -p "$work"
ctr=""
cleanup() {
  if [ -n "$ctr" ]; then
    buildah rm "$ctr" >/dev/null 2>&1 || true
    buildah rmi "localhost$layout:latest" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-/var/tmp/ocimake-bench-cache}

# The image (its toolchain made once into the cache; minutes the first time).
cmake -G Ninja -S "$here/../examples/http-service" -B "$work/b" -Docimake_DIR="$ocimake_dir" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/b" --target greeting-api >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }
layout="$work/b/greeting-api"

# ocimake: what add_container_service_test(... READY http://localhost:8080/health
# EXPECT_CLEAN_SHUTDOWN ...) runs.
cat >"$work/ocimake.sh" <<SH
#!/bin/bash
set -euo pipefail
out=\$("$ocimake" service-test "$layout" --log-dir "$work/logs" \\
  --ready http://localhost:8080/health --expect-clean-shutdown \\
  -- curl -fsS http://localhost:8080/v1/ping)
case \$out in *"pong from api"*) ;; *) echo "no pong: \$out" >&2; exit 1 ;; esac
SH

# The peer: the server command given explicitly (the entrypoint's
# --upstream is not needed), on a port free on the host.
ctr=$(buildah from "oci:$layout:1.0" 2>"$work/from.log") || { cat "$work/from.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/peer.sh" <<SH
#!/bin/bash
set -euo pipefail
buildah run --isolation chroot "$ctr" -- /usr/local/bin/greeting-api --port $port >"$work/peer.log" 2>&1 &
server=\$!
for i in \$(seq 600); do  # 30 s at most
  curl -fsS -o /dev/null http://127.0.0.1:$port/health 2>/dev/null && break
  kill -0 \$server 2>/dev/null || { echo "the server exited:" >&2; cat "$work/peer.log" >&2; exit 1; }
  sleep 0.05
done
out=\$(curl -fsS http://127.0.0.1:$port/v1/ping)
case \$out in *"pong from api"*) ;; *) echo "no pong: \$out" >&2; exit 1 ;; esac
kill -TERM \$server
# buildah run does not pass SIGTERM on to the server: it kills it ("subprocess
# exited on killed", status 1), so the peer cannot check a clean shutdown.
wait \$server || true
SH
chmod +x "$work/ocimake.sh" "$work/peer.sh"
"$work/ocimake.sh" && "$work/peer.sh" ||  # once each, so a broken one fails here
  { echo "a warm-up run failed (peer log: $(cat "$work/peer.log" 2>/dev/null))" >&2; exit 1; }
! curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null ||
  { echo "the peer's server still answers after kill -TERM and wait" >&2; exit 1; }

hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/service.json" \
  -n ocimake_service_test "$work/ocimake.sh" \
  -n buildah_run_curl_loop "$work/peer.sh"

python3 - "$work/service.json" <<'PY'
import json, sys
m = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
o, p = m["ocimake_service_test"], m["buildah_run_curl_loop"]
print(f"start-to-ready-to-stopped: ocimake service-test {o:.3f} s, buildah run + curl loop {p:.3f} s")
print(f"  ocimake / buildah = {o / p:.3f}  (goal <= 0.5)")
PY
