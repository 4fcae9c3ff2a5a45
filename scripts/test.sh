#!/bin/sh
# The whole test suite, as CI runs it: installs what is missing, builds with
# the ci preset and runs every CTest test (unit, module, images, sandbox,
# toolchain, registry).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci
