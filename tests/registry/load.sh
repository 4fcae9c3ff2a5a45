# Load (issue 14 item 8): eight builds at once into one cache and one
# layout, then eight pushes at once to one repository of one registry, in a
# bounded number of rounds. Every digest must be the one a build alone
# gives, every blob intact, nothing lost from index.json, no temp file left.
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
need skopeo skopeo
registry_load "$1"
ROUNDS=${OCIMAKE_LOAD_ROUNDS:-2}
N=8

# The base every build pulls through the shared cache: two layers, one of
# them 2 MB, pinned by tag.
make_tree "$T/base" "the base"
head -c 2000000 /dev/urandom >"$T/base/usr/local/share/app/base.bin"
build_image "$T/baseimg" "$T/base" scratch base:1 >/dev/null
"$OCIMAKE" push "$T/baseimg" "$REG_HOST/load/base:1" >/dev/null
base="$REG_HOST/load/base:1"

# Eight projects: each its own message, all the same libs layer (one blob
# written by eight processes at once) and the same 1 MB file.
head -c 1000000 /dev/urandom >"$T/shared.bin"
for i in $(seq $N); do
  make_tree "$T/t$i" "app $i"
  cp "$T/shared.bin" "$T/t$i/usr/local/share/app/"
done

# build LAYOUT STORE I: the libs and app layers of project I into STORE, the
# image on the base into LAYOUT tagged app:I; prints the manifest digest.
build() {
  local layout=$1 store=$2 i=$3
  "$OCIMAKE" layer --tree "$T/t$i.libs" --layout "$store" --output "$T/w$i.libs.json" >/dev/null &&
    "$OCIMAKE" layer --tree "$T/t$i" --layout "$store" --output "$T/w$i.app.json" >/dev/null &&
    "$OCIMAKE" image --layout "$layout" --base "$base" --layer-store "$store" \
      --layer "$T/w$i.libs.json" --layer "$T/w$i.app.json" --tag "app:$i"
}

# What each build gives alone, one at a time.
declare -A want
for i in $(seq $N); do want[$i]=$(build "$T/alone$i" "$T/alone$i.store" "$i"); done
[ "${want[1]}" != "${want[2]}" ] || fail "projects 1 and 2 gave one digest"

# wait_all NAME PIDS...: every job succeeded, else its output and a failure.
wait_all() {
  local name=$1 i=0 pid; shift
  for pid in "$@"; do
    i=$((i + 1))
    wait "$pid" || { cat "$T/$name$i.err"; fail "$name $i of $# failed"; }
  done
}

# check_blobs DIR...: every blob named by its sha256, no temp file left.
check_blobs() {
  local dir f
  for dir in "$@"; do
    assert_eq 0 "$(find "$dir" -name '*.tmp-*' | wc -l)" "temp files left in $dir"
    for f in "$dir"/blobs/sha256/*; do assert_eq "$(basename "$f")" "$(sha "$f")" "blob $f"; done
  done
}

for round in $(seq "$ROUNDS"); do
  note "round $round: $N builds at once into one layout and a cold shared cache"
  rm -rf "$OCIMAKE_CACHE_DIR" "$T/shared" "$T/store"
  pids=()
  for i in $(seq $N); do
    build "$T/shared" "$T/store" "$i" >"$T/build$i.out" 2>"$T/build$i.err" &
    pids+=($!)
  done
  wait_all build "${pids[@]}"
  for i in $(seq $N); do
    assert_eq "${want[$i]}" "$(cat "$T/build$i.out")" "round $round: build $i's digest"
    assert_eq "${want[$i]}" "$(layout_digest "$T/shared:app:$i")" "round $round: app:$i in the layout"
  done
  images=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["manifests"]))' \
    "$T/shared/index.json")
  assert_eq "$N" "$images" "round $round: images in index.json"
  check_blobs "$T/shared" "$T/store" "$OCIMAKE_CACHE_DIR/oci"

  note "round $round: $N pushes at once to one repository"
  repo="$REG_HOST/load/app$round"
  pids=()
  for i in $(seq $N); do
    "$OCIMAKE" push "$T/shared:app:$i" "$repo:$i" >"$T/push$i.out" 2>"$T/push$i.err" &
    pids+=($!)
  done
  wait_all push "${pids[@]}"
  for i in $(seq $N); do
    assert_eq "${want[$i]}" "$(tail -n 1 "$T/push$i.out")" "round $round: push $i printed"
    assert_eq "${want[$i]}" "$(skopeo_digest "$repo:$i" --tls-verify=false)" \
      "round $round: the registry's $repo:$i"
  done
  # skopeo verifies every blob's digest as it copies.
  for i in 1 $N; do
    rm -rf "$T/back"
    skopeo copy -q --src-tls-verify=false "docker://$repo:$i" "oci:$T/back:x" >/dev/null ||
      fail "round $round: skopeo cannot pull $repo:$i back"
    assert_eq "${want[$i]}" "$(layout_digest "$T/back:x")" "round $round: $repo:$i pulled back"
  done
done
note "$ROUNDS rounds of $N concurrent builds and $N concurrent pushes: all digests right"
