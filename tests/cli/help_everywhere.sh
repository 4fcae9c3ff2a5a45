# Every subcommand has --help (exit 0, a usage text), and a bad option is a
# one-line error with exit status 2.
. "$OCIMAKE_TESTS_DIR/lib.sh"
"$OCIMAKE" --help | grep -q "^commands:" || fail "ocimake --help"
cmds=$("$OCIMAKE" --help | sed -n 's/^  \([a-z]*\) .*/\1/p')
[ "$(echo "$cmds" | wc -l)" -ge 9 ] || fail "too few commands listed: $cmds"
for c in $cmds; do
  out=$("$OCIMAKE" "$c" --help) || fail "$c --help failed"
  assert_contains "$out" "Usage:" "$c --help"
  rc=0; out=$("$OCIMAKE" "$c" --no-such-option 2>&1) || rc=$?
  assert_eq 2 "$rc" "$c with a bad option: exit status"
  assert_one_line "$out"
  assert_contains "$out" "ocimake $c:" "$c error prefix"
done
rc=0; "$OCIMAKE" frobnicate 2>/dev/null || rc=$?
assert_eq 2 "$rc" "unknown command"
echo "ok: $(echo $cmds)"
