# Blobs pushed and pulled several at once (--jobs), through fault_proxy.py
# holding each blob transfer 0.4 s and counting those in flight: with
# --jobs 4 exactly 4 are in flight at the peak (never more), with --jobs 1
# one. Every digest is checked by skopeo, the pulled blobs are the pushed
# bytes (hard-linked from the cache), and an upload the registry refuses
# (410, or 500 until the retries are spent) fails the push with one line
# naming the blob, with no manifest put.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
mkdir -p "$XDG_RUNTIME_DIR"

# An image of 12 layers of 256 KiB of random bytes each.
layers=()
for i in $(seq 1 12); do
  mkdir -p "$T/t$i/data"
  head -c 262144 /dev/urandom >"$T/t$i/data/part$i.bin"
  "$OCIMAKE" layer --tree "$T/t$i" --layout "$T/store" --output "$T/l$i.json" \
    --created-by "part $i" >/dev/null
  layers+=(--layer "$T/l$i.json")
done
"$OCIMAKE" image --layout "$T/img" --base scratch --layer-store "$T/store" "${layers[@]}" \
  --tag app:1 --prune >/dev/null
digest=$(layout_digest "$T/img")

proxies=()
trap 'for p in "${proxies[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT
start_proxy() {  # LOG ARGS...: prints the port
  local port log=$1; shift
  port=$(free_port)
  "$REG_PYTHON" "$OCIMAKE_TESTS_DIR/registry/fault_proxy.py" --port "$port" \
    --upstream "$REG_HOST" --log "$log" "$@" >"$log.out" 2>&1 &
  proxies+=($!)
  for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
  PROXY="127.0.0.1:$port"
}
# peak LOG METHOD: the most transfers of that method held at once.
peak() {
  python3 -c 'import json,sys
print(max([e["inflight"] for e in map(json.loads, open(sys.argv[1])) if e["method"] == sys.argv[2]] or [0]))' "$1" "$2"
}

# Push with --jobs 4: 13 blobs (12 layers and the config), 4 in flight at once.
start_proxy "$T/push.log" --hold-blobs 0.4
par=$PROXY
got=$("$OCIMAKE" push --jobs 4 "$T/img" "$par/par/app:1")
assert_eq "$digest" "$got" "digest printed by push"
assert_eq "4" "$(peak "$T/push.log" PUT)" "uploads in flight at the peak with --jobs 4"
assert_eq "13" "$(grep -c '"method": "PUT", "path": "/v2/par/app/blobs/uploads/' "$T/push.log")" \
  "blob uploads"
# The manifest went after every blob: its PUT is the first after the last blob's.
python3 - "$T/push.log" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
puts = [i for i, e in enumerate(log) if e["method"] == "PUT"]
blobs = [i for i in puts if "/blobs/uploads/" in log[i]["path"]]
manifests = [i for i in puts if "/manifests/" in log[i]["path"]]
if not manifests or min(manifests) < max(blobs):
    sys.exit("FAIL: a manifest was put before the last blob")
PY

# skopeo reads every digest back (it verifies each blob as it copies).
assert_eq "$digest" "$(skopeo_digest "$REG_HOST/par/app:1" --tls-verify=false)" "skopeo inspect"
skopeo copy -q --src-tls-verify=false "docker://$REG_HOST/par/app:1" "oci:$T/skopeo:app" >/dev/null
assert_eq "$digest" "$(layout_digest "$T/skopeo:app")" "skopeo copy"
assert_eq "$(manifest_layers "$T/img")" "$(manifest_layers "$T/skopeo:app")" "layer digests"

# --jobs 1: one at a time (another repository: nothing there yet).
start_proxy "$T/one.log" --hold-blobs 0.2
"$OCIMAKE" push --jobs 1 "$T/img" "$PROXY/one/app:1" >/dev/null
assert_eq "1" "$(peak "$T/one.log" PUT)" "uploads in flight at the peak with --jobs 1"

# Pull back through the holding proxy (an empty cache): 4 downloads at once.
export OCIMAKE_CACHE_DIR="$T/pullcache"
got=$(OCIMAKE_TRANSFER_JOBS=4 "$OCIMAKE" pull "$par/par/app:1" "$T/back:app")
assert_eq "$digest" "$got" "pulled digest"
assert_eq "4" "$(peak "$T/push.log" GET)" "downloads in flight at the peak"
for l in $(manifest_layers "$T/img"); do
  f=blobs/sha256/${l#sha256:}
  cmp -s "$T/img/$f" "$T/back/$f" || fail "pulled layer $l differs"
  assert_eq "2" "$(stat -c %h "$T/back/$f")" "links of the pulled blob $l (cache and layout)"
done

# Out-of-range job counts: one line each, before any transfer.
for bad in 0 33 x; do
  expect_failure out "$OCIMAKE" push --jobs "$bad" "$T/img" "$REG_HOST/bad/app:1"
  assert_one_line "$out"
  assert_contains "$out" "--jobs '$bad': expected a number of parallel transfers from 1 to 32"
done
expect_failure out env OCIMAKE_TRANSFER_JOBS=99 "$OCIMAKE" pull "$REG_HOST/par/app:1" "$T/x"
assert_one_line "$out"
assert_contains "$out" "OCIMAKE_TRANSFER_JOBS '99': expected a number"

# One blob refused: the push fails naming it, and no manifest is put.
victim=$(manifest_layers "$T/img" | sed -n 7p)
for status in 410 500; do
  start_proxy "$T/fail$status.log" --fail-blob "$victim=$status"
  expect_failure out "$OCIMAKE" push --jobs 4 "$T/img" "$PROXY/fail$status/app:1"
  assert_one_line "$out"
  assert_contains "$out" "blob $victim"
  assert_contains "$out" "HTTP $status"
  [ "$(grep '"PUT"' "$T/fail$status.log" | grep -c /manifests/)" = 0 ] ||
    fail "a manifest was put after a failed blob ($status)"
done
note "peak 4 uploads and 4 downloads at once with --jobs 4; 1 with --jobs 1"
