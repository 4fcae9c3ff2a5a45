# Shared helpers of the shell tests. Source it: . "$OCIMAKE_TESTS_DIR/lib.sh"
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*" >&2; }

assert_eq() {  # assert_eq EXPECTED ACTUAL [WHAT]
  [ "$1" == "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_ne() {
  [ "$1" != "$2" ] || fail "${3:-value}: expected something other than '$1'"
}
assert_contains() {  # assert_contains HAYSTACK NEEDLE [WHAT]
  case "$1" in *"$2"*) ;; *) fail "${3:-output}: expected to contain '$2', got: $1" ;; esac
}
assert_not_contains() {
  case "$1" in *"$2"*) fail "${3:-output}: must not contain '$2', got: $1" ;; *) ;; esac
}
# expect_failure OUTVAR COMMAND...: runs COMMAND, which must exit non-zero;
# its stderr+stdout lands in OUTVAR.
expect_failure() {
  local __var=$1; shift
  local __out __rc=0
  __out=$("$@" 2>&1) || __rc=$?
  [ "$__rc" -ne 0 ] || fail "expected failure from: $*; it succeeded with: $__out"
  printf -v "$__var" '%s' "$__out"
}
# one_line TEXT: asserts the error is exactly one line.
assert_one_line() {
  [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "expected a one-line error, got: $1"
}

# Installs Debian packages when a command is missing (CI runs as root).
need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$2" >/dev/null 2>&1; } ||
    fail "cannot install $2 (needed for $1)"
  command -v "$1" >/dev/null 2>&1 || fail "$1 still missing after installing $2"
}

# Installs a Debian package when a Python module is missing.
need_python_module() {  # need_python_module MODULE PACKAGE
  python3 -c "import $1" 2>/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$2" >/dev/null 2>&1; } ||
    fail "cannot install $2 (needed for the Python module $1)"
  python3 -c "import $1" 2>/dev/null || fail "Python module $1 still missing after installing $2"
}

# One cache for the whole suite, inside the build tree: a toolchain is made
# once per build directory, and nothing outside it is touched.
export OCIMAKE_CACHE_DIR="${OCIMAKE_CACHE_DIR:-$OCIMAKE_BUILD_DIR/tests/cache}"

# A fresh scratch directory for this test, removed at exit.
mkdir -p "$OCIMAKE_TEST_TMP"
# (lower case: buildah derives an image name from an oci: path)
T="$OCIMAKE_TEST_TMP/${OCIMAKE_TEST_NAME:-test}.$$.$RANDOM"
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# sha256 of a file.
sha() { sha256sum "$1" | cut -d' ' -f1; }
# Manifest digest of the image in a layout (the only or the tagged one).
layout_digest() { "$OCIMAKE" inspect --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }

# Configures and builds a standalone example project against this build
# tree's ocimake package: build_example SRC BUILD [cmake args...]
build_example() {
  local src=$1 bld=$2; shift 2
  "$CMAKE_COMMAND" -G Ninja -S "$src" -B "$bld" -Docimake_DIR="$OCIMAKE_BUILD_DIR" "$@" >"$bld.configure.log" 2>&1 ||
    { cat "$bld.configure.log"; fail "configure $src"; }
  "$CMAKE_COMMAND" --build "$bld" --target image >"$bld.build.log" 2>&1 ||
    { cat "$bld.build.log"; fail "build $src"; }
}

# Copies examples/toolchain-debian to DIR (to be changed by a test).
copy_toolchain_example() {
  mkdir -p "$1" && cp -r "$OCIMAKE_SOURCE_DIR/examples/toolchain-debian/." "$1/"
}
