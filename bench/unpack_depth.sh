#!/bin/bash
# Unpack cost against depth: one layer holding a chain of directories
# d/d/.../d DEPTH deep (a file at the bottom and one half-way), unpacked by
# `ocimake unpack` and by `umoci unpack --rootless`, hyperfine medians.
#   bench/unpack_depth.sh OCIMAKE [OLD_OCIMAKE]
# Depth 500: ocimake, umoci (and OLD_OCIMAKE, a build before the chain of
# open directories, when given), medians of RUNS=5. Depth 2000: ocimake
# with hyperfine, umoci once under `timeout $UMOCI_TIMEOUT` (default 100 s)
# with what it printed (OLD_OCIMAKE too with OLD_2000=1).
set -euo pipefail
ocimake=$(realpath "$1"); old=${2:+$(realpath "$2")}
here=$(dirname "$(realpath "$0")"); tests=$here/../tests/cli
runs=${RUNS:-5}; umoci_timeout=${UMOCI_TIMEOUT:-100}
work=$(mktemp -d /var/tmp/ocimake-bench-unpack.XXXXXX)
trap 'rm -rf "$work"' EXIT
image() {  # image DEPTH: the layout $work/img-DEPTH
  python3 "$tests/make_deep_tar.py" "$work/chain-$1.tar" chain "$1"
  python3 "$tests/make_layout.py" "$work/img-$1" "$work/chain-$1.tar"
}
once() {  # once NAME COMMAND...: wall seconds and exit status, under the timeout
  local s e rc=0; rm -rf "$work/out"; s=$(date +%s.%N)
  timeout "$umoci_timeout" "${@:2}" >"$work/log" 2>&1 || rc=$?
  e=$(date +%s.%N)
  printf '%-16s %6.1f s  exit %s  %s\n' "$1" "$(echo "$e - $s" | bc)" "$rc" \
    "$(tail -c 300 "$work/log" | tr '\n' ' ')"
}
image 500; image 2000
echo "== depth 500"
cmds=(-n ocimake "$ocimake unpack $work/img-500 $work/out"
      -n umoci "umoci unpack --rootless --image $work/img-500:test $work/out")
[ -z "$old" ] || cmds+=(-n "ocimake (before)" "$old unpack $work/img-500 $work/out")
medians() {  # medians JSON: each command's median, and its ratio to the first
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print("median %-18s %8.3f s  %6.2fx ocimake's" % (x["command"], x["median"], x["median"] / r[0]["median"]))
PY
}
hyperfine -N --runs "$runs" --prepare "rm -rf $work/out" "${cmds[@]}" \
  --export-json "$work/500.json" >/dev/null
medians "$work/500.json"
echo "== depth 2000"
hyperfine -N --runs "$runs" --prepare "rm -rf $work/out" \
  -n ocimake "$ocimake unpack $work/img-2000 $work/out" --export-json "$work/2000.json" >/dev/null
medians "$work/2000.json"
once umoci umoci unpack --rootless --image "$work/img-2000:test" "$work/out"
[ -z "$old" ] || [ -z "${OLD_2000:-}" ] || once "ocimake (before)" "$old" unpack "$work/img-2000" "$work/out"
rm -rf "$work/out"
