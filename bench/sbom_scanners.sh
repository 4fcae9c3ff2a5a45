#!/bin/bash
# ocimake's SBOM next to the one a user gets today from a scanner, for the
# same images: @cyclonedx/cdxgen (its container mode runs the trivy that its
# npm plugin package ships) on each example's image, offline. Not timed
# against each other (ocimake writes its SBOM as part of the image target);
# the table counts what each one says and checks it against the image and
# against the dpkg database of the root the image's libraries came from.
# Examples: fmt-greeter (host toolchain: libraries from the host's Debian
# packages), toolchain-debian (a bookworm rootfs: libyaml-cpp from there) and
# http-service's greeting-api (bookworm, cpp-httplib). cdxgen runs on the
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
for example in $examples; do
  image=$(image_of "$example")
  b="$work/$example"
  s=$(now)
  cmake -G Ninja -S "$here/../examples/$example" -B "$b" -Docimake_DIR="$ocimake_dir" \
    >"$b.configure.log" 2>&1 || { cat "$b.configure.log"; exit 1; }
  cmake --build "$b" --target "$image" "$image-archive" >"$b.build.log" 2>&1 ||
    { cat "$b.build.log"; exit 1; }
  echo "$example: image built in $(printf '%.0f' "$(echo "$(now) - $s" | bc)") s" >&2
  layout="$b/$image"
  tag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' \
    "$layout/index.json")
  # The root the libraries came from: the toolchain's rootfs, else the host.
  root=/
  for f in "$b"/CMakeFiles/ocimake-toolchains/*.rootfs; do
    [ -f "$f" ] && root=$(cat "$f")
  done
  umoci unpack --rootless --image "$layout:$tag" "$b.bundle" >"$b.unpack.log" 2>&1 ||
    { cat "$b.unpack.log"; exit 1; }

  # The docker-archive (`<image>-archive`), as `docker save` would write it.
  s=$(now)
  run_cdxgen "$b.cdxgen-docker.log" -t docker "$b/$image.tar" -o "$b.cdxgen-docker.json"
  t=$(echo "$(now) - $s" | bc)
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$b.cdxgen-docker.json")
  echo "| \`cdxgen -t docker $image.tar\` | $example | $(printf '%.1f' "$t") | $n |" >>"$timings"
  # The unpacked rootfs, as a directory, with --deep.
  s=$(now)
  run_cdxgen "$b.cdxgen-rootfs.log" -t oci "$b.bundle/rootfs" --deep -o "$b.cdxgen-rootfs.json"
  t=$(echo "$(now) - $s" | bc)
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$b.cdxgen-rootfs.json")
  echo "| \`cdxgen -t oci <unpacked rootfs> --deep\` | $example | $(printf '%.1f' "$t") | $n |" >>"$timings"

  # What if the image said which Debian packages it has, as distroless
  # images do: the rootfs with /var/lib/dpkg/status.d/<package> (the stanzas
  # of the packages ocimake's SBOM names) and /etc/debian_version.
  cp -a "$b.bundle/rootfs" "$b.whatif"
  python3 "$here/sbom_scanners.py" status-d "$b/$image.spdx.json" "$root" "$b.whatif"
  s=$(now)
  run_cdxgen "$b.cdxgen-whatif.log" -t oci "$b.whatif" -o "$b.cdxgen-whatif.json"
  t=$(echo "$(now) - $s" | bc)
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components", [])))' "$b.cdxgen-whatif.json")
  echo "| \`cdxgen -t oci <unpacked rootfs + status.d>\` (what-if) | $example | $(printf '%.1f' "$t") | $n |" >>"$timings"

  python3 "$here/sbom_scanners.py" measure "$example" "$b/$image.spdx.json" \
    "$b.cdxgen-docker.json" "$b.bundle/rootfs" "$root" "$layout" "$b.cdxgen-whatif.json" \
    >"$b.measures.json"
  measures+=("$b.measures.json")
done

echo
echo "### ocimake's SPDX and cdxgen $cdxgen_version's CycloneDX (\`-t docker <docker-archive>\`) of the same images"
echo
python3 "$here/sbom_scanners.py" table "${measures[@]}"
echo
echo "### cdxgen modes (offline: its own network namespace, FETCH_LICENSE=false)"
echo
echo "| mode | image | seconds | components |"
echo "| --- | --- | --- | --- |"
cat "$timings"
echo
echo "reproduce: bench/sbom_scanners.sh $ocimake_dir"
