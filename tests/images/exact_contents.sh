# The fmt-greeter image holds the app, libfmt, libstdc++, libc, libm,
# libgcc_s and the dynamic loader (with their SONAME links), the runtime
# user's /etc/passwd and /etc/group (non-root by default), and nothing else.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need umoci umoci
build_example "$OCIMAKE_SOURCE_DIR/examples/fmt-greeter" "$T/build"
umoci unpack --rootless --image "$T/build/greeter-image:1.0" "$T/bundle" >/dev/null 2>&1 ||
  fail "umoci unpack"
cd "$T/bundle/rootfs"
files=$(find . ! -type d | sed 's|^\./||' | sort)
# Reduce library file names to their stem: the versions are the host's.
stems=$(printf '%s\n' $files | sed -E 's|.*/||; s/\.so(\.[0-9]+)*$/.so/' | sort -u | tr '\n' ' ')
assert_eq "greeter group ld-linux-x86-64.so lib lib64 libc.so libfmt.so libgcc_s.so libm.so libstdc++.so passwd " \
  "$stems" "files in the image"
# Each library is there under its SONAME, and the loader under PT_INTERP.
for soname in libfmt.so.9 libstdc++.so.6 libc.so.6 libm.so.6 libgcc_s.so.1; do
  [ -e "usr/lib/x86_64-linux-gnu/$soname" ] || fail "$soname missing (or its link dangles)"
done
interp=$(readelf -l usr/local/bin/greeter | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -e ".$interp" ] || fail "PT_INTERP $interp does not resolve inside the image"
[ -L lib64 ] || fail "lib64 should be the rootfs's symlink, kept as a symlink"
assert_eq "$(printf 'home/nonroot\ntmp')" "$(find home tmp -maxdepth 1 -type d -empty | sort)" \
  "the runtime user's empty directories"
echo "ok: exactly the app, its libraries, the loader and the runtime user's files"
