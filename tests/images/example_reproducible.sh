# The CHECK_REPRODUCIBLE test of an example, run as a user runs it: the
# example built standalone, then `ctest -R <image>.reproducible`, which
# builds it again from a copy in a fresh directory and must find the same
# image. Usage: example_reproducible.sh EXAMPLE IMAGE
. "$OCIMAKE_TESTS_DIR/lib.sh"
example=$1 image=$2
cp -r "$OCIMAKE_SOURCE_DIR/examples/$example" "$T/src"
mkdir -p "$T/tmp"
build_example "$T/src" "$T/b"
start=$SECONDS
out=$(TMPDIR="$T/tmp" ctest --test-dir "$T/b" -R "^$image\\.reproducible\$" \
  --output-on-failure -V 2>&1) || fail "$out"
assert_contains "$out" "$image is reproducible: identical: sha256:" "the check's verdict"
[ -z "$(ls -A "$T/tmp")" ] || fail "the rebuild was not removed: $(ls "$T/tmp")"
echo "ok: $(printf '%s\n' "$out" | grep -o 'is reproducible: .*' | head -1) in $((SECONDS - start)) s"
