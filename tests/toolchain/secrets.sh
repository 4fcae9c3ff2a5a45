# A build secret is readable at /run/secrets/<id> during the build stage,
# and its bytes appear in no blob (decompressed), config or history.
. "$OCIMAKE_TESTS_DIR/lib.sh"
need mmdebstrap mmdebstrap
copy_toolchain_example "$T/src"
secret="s3cr3t-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$secret" >"$T/token"
sed -i "s|  TEST_STAGE ON |  TEST_STAGE ON\n  SECRETS id=token,src=$T/token |" "$T/src/CMakeLists.txt"
# The build uses the secret: it installs a digest of it (not the secret).
printf 'sha256sum </run/secrets/token | cut -c1-64 >token.sha256\n' >"$T/src/hash-token.sh"
cat >>"$T/src/CMakeLists.txt" <<'CM'
add_custom_command(OUTPUT token.sha256
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/hash-token.sh)
add_custom_target(use-token ALL DEPENDS token.sha256)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/token.sha256 DESTINATION share)
CM
log=$(build_example "$T/src" "$T/build" 2>&1) || fail "$log"
layout="$T/build/yaml-greeter-image"
"$OCIMAKE" unpack "$layout" "$T/rootfs"
assert_eq "$(printf '%s' "$secret" | sha256sum | cut -c1-64)" "$(cat "$T/rootfs/usr/local/share/token.sha256")" \
  "the build read the secret"
for blob in "$layout"/blobs/sha256/*; do
  if zcat -f "$blob" | grep -qaF "$secret"; then fail "the secret is in blob $blob"; fi
done
if grep -rqaF "$secret" "$T/build" --exclude-dir=ocimake-inner --exclude='*.log'; then
  fail "the secret is in the outer build tree: $(grep -rlaF "$secret" "$T/build" --exclude-dir=ocimake-inner)"
fi
assert_not_contains "$(cat "$T/build.build.log")" "$secret" "build log"
echo "ok: used in the build, absent from every blob, config and log"
