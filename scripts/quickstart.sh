#!/bin/sh
# A newcomer's first command: installs what is missing, builds ocimake and
# examples/hello into an OCI image, and runs it in ocimake's own sandbox.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target hello-image
echo "--- the image: build/dev/examples/hello/hello-image"
build/dev/bin/ocimake inspect build/dev/examples/hello/hello-image
echo "--- running it"
cmake --build --preset dev --target hello-image-run
