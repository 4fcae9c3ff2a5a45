# A registry front (fault_proxy.py) that asks for Basic credentials, answers
# 429 with Retry-After and 503, redirects blob downloads to another host name
# and cuts the first download off half-way. The pull still succeeds: retried
# after the Retry-After, resumed with a Range request, and the credentials
# never reach the other host.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"

make_tree "$T/tree" "faults"
head -c 200000 /dev/urandom >"$T/tree/usr/local/share/app/noise.bin"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" push "$T/img" "$REG_HOST/faults/app:1")

port=$(free_port)
"$REG_PYTHON" "$OCIMAKE_TESTS_DIR/registry/fault_proxy.py" --port "$port" --upstream "$REG_HOST" \
  --log "$T/proxy.log" --basic "proxyuser:proxy pw" --redirect-blobs localhost --faults \
  >"$T/proxy.out" 2>&1 &
proxy=$!
trap 'kill -9 $proxy 2>/dev/null; rm -rf "$T"' EXIT
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done

# Without credentials: one line naming the registry and "unauthorized".
expect_failure out "$OCIMAKE" pull "127.0.0.1:$port/faults/app:1" "$T/none"
assert_one_line "$out"
assert_contains "$out" "registry 127.0.0.1:$port: unauthorized"

mkdir -p "$T/auth"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$port" "$(printf 'proxyuser:proxy pw' | base64)" \
  >"$T/auth/auth.json"
: >"$T/proxy.log"
start=$(date +%s.%N)
got=$(REGISTRY_AUTH_FILE="$T/auth/auth.json" "$OCIMAKE" pull "127.0.0.1:$port/faults/app:1" "$T/out:x")
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
assert_eq "$digest" "$got" "pulled through the faults"
python3 - "$T/proxy.log" "$elapsed" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
elapsed = float(sys.argv[2])
def fail(msg):
    sys.exit("FAIL: " + msg + "\n" + "\n".join(json.dumps(e) for e in log))
answers = [e["answer"] for e in log]
if 429 not in answers or 503 not in answers or "drop" not in answers:
    fail("the proxy injected no fault")
i429 = answers.index(429)
if log[i429 + 1]["method"] != "HEAD" or log[i429 + 1]["answer"] != 200:
    fail("the HEAD after 429 was not retried")
if elapsed < 1.0:
    fail(f"Retry-After: 1 not honoured (took {elapsed:.2f}s)")
store = [e for e in log if e["path"].startswith("/blobstore/")]
if any(e["auth"] for e in store):
    fail("Authorization was sent to the redirect host")
if not all(e["auth"] for e in log if e["path"].startswith("/v2/") and e["path"] != "/v2/"):
    fail("a registry request went without credentials")
drop = answers.index("drop")
# Blobs download in parallel: the entry after the drop, not the second of all.
resumed = [e for e in log[drop + 1:] if e["path"] == log[drop]["path"]]
if not resumed or not resumed[0]["range"].startswith("bytes=") or resumed[0]["answer"] != 206:
    fail("the cut-off download was not resumed with a Range request")
PY
for f in "$OCIMAKE_CACHE_DIR"/oci/blobs/sha256/*; do
  assert_eq "$(basename "$f")" "$(sha "$f")" "cached blob $f"
done
