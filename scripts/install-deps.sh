#!/bin/sh
# Installs what building and testing ocimake needs, from Debian 12 packages,
# and nothing that is already there. Uses sudo when not root.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  build dependencies only
set -eu
build="cmake ninja-build g++ pkg-config libarchive-dev nlohmann-json3-dev libfmt-dev
  libssl-dev libelf-dev libcli11-dev libgtest-dev libzstd-dev zlib1g-dev libcurl4-openssl-dev"
test="skopeo umoci buildah podman mmdebstrap docker-registry apache2-utils openssl
  busybox-static python3 uidmap util-linux procps iproute2 time redis-server"
want=$build
[ "${1:-}" = "--build" ] || want="$build $test"

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "ocimake: installing:$missing" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
