# Pulls into one cache at once are safe: every one succeeds and the cache
# stays a valid layout holding each blob once, verified.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
registry_load "$1"

make_tree "$T/tree" "concurrent"
head -c 3000000 /dev/urandom >"$T/tree/usr/local/share/app/noise.bin"
build_image "$T/img" "$T/tree" scratch app:1 >/dev/null
digest=$("$OCIMAKE" push "$T/img" "$REG_HOST/concurrent/app:1")
"$OCIMAKE" push "$T/img" "$REG_HOST/concurrent/app:2" >/dev/null

pids=()
for i in 1 2 3 4 5 6; do
  tag=$(( i % 2 + 1 ))
  "$OCIMAKE" pull "$REG_HOST/concurrent/app:$tag" "$T/out$i:x" >"$T/pull$i.out" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { cat "$T/pull$((i + 1)).out"; fail "pull $((i + 1)) failed"; }
done
for i in 1 2 3 4 5 6; do assert_eq "$digest" "$(layout_digest "$T/out$i:x")"; done
index=$(cat "$OCIMAKE_CACHE_DIR/oci/index.json")
assert_contains "$index" "$REG_HOST/concurrent/app:1"
assert_contains "$index" "$REG_HOST/concurrent/app:2"
leftovers=$(find "$OCIMAKE_CACHE_DIR/oci/blobs" -name '*.tmp-*' | wc -l)
assert_eq 0 "$leftovers" "temp files left in the cache"
for f in "$OCIMAKE_CACHE_DIR"/oci/blobs/sha256/*; do
  assert_eq "$(basename "$f")" "$(sha "$f")" "cached blob $f"
done
