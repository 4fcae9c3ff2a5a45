# The registry is killed (kill -9) in the middle of a chunked upload of a
# 64 MB layer: the push fails with one line naming the registry. Started
# again on the same storage and port, the push run again completes, and the
# image is whole.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
private_registry "$T/registry" http
repo="$REG_HOST/interrupted/app"
make_tree "$T/tree" "big"
head -c $((64 << 20)) /dev/urandom >"$T/tree/usr/local/share/app/big.bin"
LAYER_ARGS="--compression none" build_image "$T/img" "$T/tree" scratch app:1 >/dev/null

off=$(log_size)
"$OCIMAKE" push "$T/img" "$repo:1" >"$T/push1.out" 2>"$T/push1.err" &
push=$!
for i in $(seq 1 2000); do
  [ "$(log_count "$off" "PATCH /v2/interrupted/app/blobs/uploads/")" -ge 1 ] && break
  kill -0 $push 2>/dev/null || break
  sleep 0.01
done
[ "$(log_count "$off" "PATCH /v2/interrupted/app/blobs/uploads/")" -ge 1 ] ||
  fail "no chunk (PATCH) was uploaded: $(cat "$T/push1.err")"
registry_stop "$T/registry"
rc=0
wait $push || rc=$?
[ "$rc" -ne 0 ] || fail "the push finished before the registry was killed (make the layer bigger)"
err=$(cat "$T/push1.err")
note "push with the registry killed: $err"
assert_one_line "$err"
assert_contains "$err" "registry $REG_HOST: "
assert_contains "$err" " after 4 attempts"

registry_start "$T/registry" http "$REG_PORT"
off=$(log_size)
digest=$("$OCIMAKE" push "$T/img" "$repo:1")
assert_eq "$(layout_digest "$T/img")" "$digest"
[ "$(log_count "$off" "PATCH /v2/interrupted/app/blobs/uploads/")" -ge 8 ] ||
  fail "the 64 MB layer was not sent in 8 MiB chunks"
assert_eq "$digest" "$(skopeo_digest "$repo:1" --tls-verify=false)"
rm -rf "$OCIMAKE_CACHE_DIR"
assert_eq "$digest" "$("$OCIMAKE" pull "$repo:1" "$T/back")" "pull of the whole image"

# Killed again, but started again at once: the same push, still retrying,
# asks the registry where the upload stands (GET on the upload URL) and
# completes. (docker-registry 2.8 refuses to resume an upload whose last
# chunk was cut off half-way, "upload resumed at wrong offset", so ocimake
# then starts that blob's upload again.) (A fresh cache:
# no record of the blob in interrupted/app, so it is uploaded, not mounted.)
export OCIMAKE_CACHE_DIR="$T/cache2"
off=$(log_size)
"$OCIMAKE" push "$T/img" "$REG_HOST/interrupted/again:1" >"$T/push2.out" 2>"$T/push2.err" &
push=$!
for i in $(seq 1 2000); do
  [ "$(log_count "$off" "PATCH /v2/interrupted/again/blobs/uploads/")" -ge 1 ] && break
  kill -0 $push 2>/dev/null || break
  sleep 0.01
done
[ "$(log_count "$off" "PATCH /v2/interrupted/again/blobs/uploads/")" -ge 1 ] ||
  fail "no chunk (PATCH) was uploaded the second time: $(cat "$T/push2.err")"
registry_stop "$T/registry"
kill -0 $push 2>/dev/null || fail "the push finished before the registry was killed"
registry_start "$T/registry" http "$REG_PORT"
wait $push || fail "the push did not survive a restart of the registry: $(cat "$T/push2.err")"
assert_eq "$digest" "$(cat "$T/push2.out")"
assert_eq "$digest" "$(skopeo_digest "$REG_HOST/interrupted/again:1" --tls-verify=false)"
status=$(log_count "$off" "GET /v2/interrupted/again/blobs/uploads/")
patches=$(log_count "$off" "PATCH /v2/interrupted/again/blobs/uploads/")
note "after the restart: $status upload status queries, $patches chunks in all"
[ "$status" -ge 1 ] || fail "the push did not ask where the interrupted upload stood"
