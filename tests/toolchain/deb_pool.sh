# DEBIAN toolchains share a pool of downloaded .debs (<cache>/debs/<arch>):
# a second toolchain with one more package fetches only that package from
# the mirror, no .deb ends up in a rootfs, the cache key is the one it was
# before the pool existed, mmdebstrap's phases show as progress lines, and a
# failing mmdebstrap shows its log's last lines and one error line.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
export OCIMAKE_CACHE_DIR="$T/cache"  # a cold pool, whatever other tests left behind
pool="$T/cache/debs/$(dpkg --print-architecture)"
debs() { find "$pool" -maxdepth 1 -name '*.deb' | wc -l; }
toolchain() {  # toolchain NAME [--package P]...: makes it, its stderr in $T/NAME.log
  local name=$1; shift
  "$OCIMAKE" toolchain --name "$name" --debian bookworm "$@" --output "$T/$name.rootfs" \
    2>"$T/$name.log" || { cat "$T/$name.log"; fail "toolchain $name"; }
  cat "$T/$name.log" >&2
}

note "cold pool: minbase"
toolchain base
base=$(cat "$T/base.rootfs")
key=$(printf 'ocimake-toolchain-v1\ndebian bookworm\nmirror \narch \n' | sha256sum | cut -c1-32)
assert_eq "$T/cache/toolchains/$key/rootfs" "$base" "the cache key (unchanged by the pool)"
n1=$(debs)
[ "$n1" -ge 50 ] || fail "only $n1 .debs in the pool after a minbase toolchain"
log=$(cat "$T/base.log")
assert_contains "$log" "ocimake: toolchain base [" "progress lines"
assert_contains "$log" "] installing essential packages" "mmdebstrap's phase lines"
assert_contains "$log" "] installing remaining packages inside the chroot" "mmdebstrap's phase lines"
assert_contains "$log" "] done" "the last progress line"
fetched=$(sed -n 's/.* fetched \([0-9]*\) packages\? from the mirror, .*/\1/p' "$T/base.log")
[ "${fetched:-0}" -ge 50 ] || fail "the cold run fetched '${fetched}' packages, expected the whole minbase"
assert_eq "" "$(grep -v '^ocimake: ' "$T/base.log" || true)" "stderr holds progress lines only"
grep -q '^Get:' "$T/cache/toolchains/$key/mmdebstrap.log" || fail "no apt output in mmdebstrap.log"

note "warm pool: minbase + hello fetches hello only"
toolchain plus-hello --package hello
hello=$(cat "$T/plus-hello.rootfs")
assert_ne "$base" "$hello" "a new toolchain"
[ -x "$hello/usr/bin/hello" ] || fail "hello is not installed in the second toolchain"
assert_contains "$(cat "$T/plus-hello.log")" "fetched 1 package from the mirror, 1 new in the .deb pool" \
  "the second toolchain's summary"
assert_eq $((n1 + 1)) "$(debs)" "the pool's .debs after adding hello"
ls "$pool" | grep -q '^hello_.*\.deb$' || fail "hello's .deb is not in the pool"

note "a failing mmdebstrap: its last lines, then one line naming the log"
expect_failure out "$OCIMAKE" toolchain --name bad --debian nosuchsuite --output "$T/bad.rootfs"
last=$(printf '%s\n' "$out" | tail -1)
assert_contains "$last" "toolchain bad: mmdebstrap nosuchsuite failed with status" "the error line"
badlog=$(printf '%s\n' "$last" | sed -n 's/.*the whole log is \([^;]*\);.*/\1/p')
grep -q "nosuchsuite Release" "$badlog" || fail "the log $badlog lacks apt's error"
assert_contains "$out" "  E: The repository 'http://deb.debian.org/debian nosuchsuite Release' does not have a Release file." \
  "the log's tail above the error"

note "no .deb in a rootfs, nothing half-made"
for root in "$base" "$hello"; do
  assert_eq "" "$(find "$root" -name '*.deb' | head -3)" ".debs in $root"
done
[ -z "$(find "$T/cache" -name '.making-*')" ] || fail "a half-made toolchain was left"
echo "ok: the second toolchain fetched 1 package; the pool holds $((n1 + 1))"
