#!/bin/sh
# Writes docs/reference.rst from the .rst block at the top of
# cmake/Ocimake.cmake (the one source of the module's reference), or with
# --check, fails when docs/reference.rst is out of date.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed -n '/^#\[=*\[\.rst:$/,/^#\]=*\]$/p' cmake/Ocimake.cmake | sed '1d;$d' >"$tmp"
if [ "${1:-}" = "--check" ]; then
  cmp -s "$tmp" docs/reference.rst ||
    { echo "docs/reference.rst is out of date: run scripts/gen-reference.sh" >&2; exit 1; }
else
  cp "$tmp" docs/reference.rst
fi
