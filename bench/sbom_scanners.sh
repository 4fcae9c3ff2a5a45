#!/bin/bash
# ocimake's SBOM next to the one a user gets today from a scanner, for the
# same images: @cyclonedx/cdxgen (its container mode runs the trivy that its
# npm plugin package ships) on each example's image, offline. Not timed
# against each other (ocimake writes its SBOM as part of the image target);
# the table counts what each one says and checks it against the image and
# against the dpkg database of the root the image's libraries came from.
# Examples: fmt-greeter (host toolchain: libraries from the host's Debian
# packages), toolchain-debian (a bookworm rootfs: libyaml-cpp from there) and
# http-service's greeting-api (bookworm, cpp-httplib), and greeter-tls, made
# here: fmt-greeter's image as BASE plus ca-certificates. cdxgen runs on the
# docker-archive (`-t docker`, what a user would scan) and on the unpacked
# rootfs (`-t oci DIR --deep`, timed only); and, as a what-if, on the
# unpacked rootfs plus what a distroless image carries for scanners (a
# /var/lib/dpkg/status.d/ stanza per Debian package, /etc/debian_version).
#   bench/sbom_scanners.sh OCIMAKE_BUILD_DIR
# EXAMPLES="fmt-greeter toolchain-debian" limits the examples; CDXGEN_DIR
# (default /var/tmp/ocimake-bench-cdxgen) is where cdxgen is npm-installed,
# once, at CDXGEN_VERSION; KEEP=1 keeps the work directory (SBOMs, logs).
set -euo pipefail
ocimake_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
ocimake="$ocimake_dir/bin/ocimake"
[ -x "$ocimake" ] || { echo "no $ocimake: build ocimake first" >&2; exit 2; }
for pair in npm:npm node:nodejs umoci:umoci dpkg-query:dpkg mmdebstrap:mmdebstrap unshare:util-linux; do
  command -v "${pair%%:*}" >/dev/null ||
    apt-get install -y -qq "${pair#*:}" >/dev/null ||
    { echo "needs ${pair%%:*} (apt-get install ${pair#*:})" >&2; exit 2; }
done
examples=${EXAMPLES:-fmt-greeter toolchain-debian http-service}
cdxgen_dir=${CDXGEN_DIR:-/var/tmp/ocimake-bench-cdxgen}
cdxgen_version=${CDXGEN_VERSION:-12.8.4}
cdxgen="$cdxgen_dir/node_modules/.bin/cdxgen"
if [ "$(node -p 'require(process.argv[1]).version' "$cdxgen_dir/node_modules/@cyclonedx/cdxgen/package.json" 2>/dev/null)" != "$cdxgen_version" ]; then
  echo "installing @cyclonedx/cdxgen@$cdxgen_version into $cdxgen_dir (npm)" >&2
  mkdir -p "$cdxgen_dir"
  npm install --prefix "$cdxgen_dir" --no-audit --no-fund "@cyclonedx/cdxgen@$cdxgen_version" \
    >"$cdxgen_dir/npm.log" 2>&1 || { cat "$cdxgen_dir/npm.log"; exit 1; }
fi
work=/var/tmp/ocimake-bench-sbom.$$
rm -rf "$work" && mkdir -p "$work"
cleanup() { [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT
export OCIMAKE_CACHE_DIR=${OCIMAKE_CACHE_DIR:-/var/tmp/ocimake-bench-cache}

# cdxgen with no network at all (its own network namespace), no license
# look-ups, its temporary files and (HOME) trivy's cache in the work directory.
run_cdxgen() {  # run_cdxgen LOG cdxgen-args...
  local log=$1; shift
  (cd "$work" && unshare --net env FETCH_LICENSE=false CDXGEN_TEMP_DIR="$work/tmp" \
    HOME="$work/home" "$cdxgen" "$@") >"$log" 2>&1 ||
    { tail -20 "$log" >&2; return 1; }
}
mkdir -p "$work/tmp" "$work/home"
now() { date +%s.%N; }

# example -> the image whose SBOM is compared
image_of() {
  case $1 in
    fmt-greeter) echo greeter-image ;;
    toolchain-debian) echo yaml-greeter-image ;;
    http-service) echo greeting-api ;;
    *) echo "unknown example $1" >&2; return 1 ;;
  esac
}

measures=()
timings="$work/timings.txt"
: >"$timings"
cdxgen_timed() {  # cdxgen_timed NAME LABEL OUT cdxgen-args...: a row of the modes table
  local name=$1 label=$2 out=$3 s t n; shift 3
  s=$(now)
  run_cdxgen "${out%.json}.log" "$@" -o "$out"
  t=$(echo "$(now) - $s" | bc)
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$out")
  echo "| \`$label\` | $name | $(printf '%.1f' "$t") | $n |" >>"$timings"
}

# build NAME SRC IMAGE [cmake args]: configures and builds IMAGE and its
# docker-archive into $work/NAME, unpacks it into $work/NAME.bundle.
build() {
  local name=$1 src=$2 image=$3 b="$work/$1" s tag; shift 3
  s=$(now)
  cmake -G Ninja -S "$src" -B "$b" -Docimake_DIR="$ocimake_dir" "$@" \
    >"$b.configure.log" 2>&1 || { cat "$b.configure.log"; exit 1; }
  cmake --build "$b" --target "$image" "$image-archive" >"$b.build.log" 2>&1 ||
    { cat "$b.build.log"; exit 1; }
  echo "$name: image built in $(printf '%.0f' "$(echo "$(now) - $s" | bc)") s" >&2
  tag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' \
    "$b/$image/index.json")
  umoci unpack --rootless --image "$b/$image:$tag" "$b.bundle" >"$b.unpack.log" 2>&1 ||
    { cat "$b.unpack.log"; exit 1; }
}

# compare NAME IMAGE [BASE_NAME BASE_IMAGE]: cdxgen on the built image, the
# measures of both SBOMs.
compare() {
  local name=$1 image=$2 b="$work/$1" root=/ f base_args=()
  [ $# -lt 4 ] || base_args=("$work/$3/$4")
  # The root the libraries came from: the toolchain's rootfs, else the host.
  for f in "$b"/CMakeFiles/ocimake-toolchains/*.rootfs; do
    [ -f "$f" ] && root=$(cat "$f")
  done
  # The docker-archive (`<image>-archive`), as `docker save` would write it;
  # the unpacked rootfs, as a directory, with --deep.
  cdxgen_timed "$name" "cdxgen -t docker $image.tar" "$b.cdxgen-docker.json" -t docker "$b/$image.tar"
  cdxgen_timed "$name" "cdxgen -t oci <unpacked rootfs> --deep" "$b.cdxgen-rootfs.json" \
    -t oci "$b.bundle/rootfs" --deep
  # What if the image said which Debian packages it has, as distroless
  # images do: the rootfs with /var/lib/dpkg/status.d/<package> (the stanzas
  # of the packages ocimake's SBOM names) and /etc/debian_version.
  cp -a "$b.bundle/rootfs" "$b.whatif"
  python3 "$here/sbom_scanners.py" status-d "$b/$image.spdx.json" "$root" "$b.whatif"
  cdxgen_timed "$name" "cdxgen -t oci <unpacked rootfs + status.d> (what-if)" \
    "$b.cdxgen-whatif.json" -t oci "$b.whatif"
  python3 "$here/sbom_scanners.py" measure "$name" "$b/$image.spdx.json" \
    "$b.cdxgen-docker.json" "$b.bundle/rootfs" "$root" "$b/$image" "$b.cdxgen-whatif.json" \
    "${base_args[@]}" >"$b.measures.json"
  measures+=("$b.measures.json")
}

for example in $examples; do
  image=$(image_of "$example")
  build "$example" "$here/../examples/$example" "$image"
  compare "$example" "$image"
done

# An image on a base: fmt-greeter's image as BASE, plus a data file and
# ca-certificates (RUNTIME_PACKAGES: the host's files of that package).
base_note=""
case " $examples " in *" fmt-greeter "*)
  dpkg -s ca-certificates >/dev/null 2>&1 || apt-get install -y -qq ca-certificates >/dev/null
  mkdir -p "$work/greeter-tls.src"
  echo hello >"$work/greeter-tls.src/greeting.txt"
  cat >"$work/greeter-tls.src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(greeter-tls VERSION 0.1 LANGUAGES NONE)
find_package(ocimake REQUIRED)
install(FILES greeting.txt DESTINATION share/greeter-tls)
add_container_image(greeter-tls-image
  BASE ${GREETER_LAYOUT}:1.0
  RUNTIME_PACKAGES ca-certificates
  TAG greeter-tls:1.0)
CMAKE
  build greeter-tls "$work/greeter-tls.src" greeter-tls-image \
    -DGREETER_LAYOUT="$work/fmt-greeter/greeter-image"
  compare greeter-tls greeter-tls-image fmt-greeter greeter-image
  base_note="greeter-tls: BASE fmt-greeter's image, plus share/greeter-tls/greeting.txt and RUNTIME_PACKAGES ca-certificates (the host's); its files are those of its own layers (not the base's)."
  ;;
esac

echo
echo "### ocimake's SPDX and cdxgen $cdxgen_version's CycloneDX (\`-t docker <docker-archive>\`) of the same images"
echo
python3 "$here/sbom_scanners.py" table "${measures[@]}"
[ -z "$base_note" ] || { echo; echo "$base_note"; }
echo
echo "### cdxgen modes (offline: its own network namespace, FETCH_LICENSE=false)"
echo
echo "| mode | image | seconds | components |"
echo "| --- | --- | --- | --- |"
cat "$timings"
echo
echo "reproduce: bench/sbom_scanners.sh $ocimake_dir"
