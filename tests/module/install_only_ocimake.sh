# `cmake --install` of ocimake's own build installs ocimake's files only: its
# two programs and its CMake package, none of the examples' programs (they
# are configured with the build, but their install rules are their images').
# usage: install_only_ocimake.sh <OCIMAKE_BUILD_EXAMPLES>
. "$OCIMAKE_TESTS_DIR/lib.sh"
examples=$1
"$CMAKE_COMMAND" --install "$OCIMAKE_BUILD_DIR" --prefix "$T/prefix" >"$T/install.log" 2>&1 ||
  { cat "$T/install.log"; fail "cmake --install $OCIMAKE_BUILD_DIR"; }

note "every executable file under the prefix"
programs=$(cd "$T/prefix" && find . -type f -perm -u+x | sed 's|^\./||' | sort | tr '\n' ' ')
assert_eq "bin/ocimake bin/ocimake-sandbox " "$programs" "executables installed"

note "nothing outside bin/ and the CMake package"
others=$(cd "$T/prefix" && find . -type f | sed 's|^\./||' | grep -v -e '^bin/ocimake$' \
  -e '^bin/ocimake-sandbox$' -e '^lib/cmake/ocimake/' || true)
assert_eq "" "$others" "files outside bin/ and lib/cmake/ocimake/"
[ -f "$T/prefix/lib/cmake/ocimake/ocimake-config.cmake" ] || fail "no package config"
[ -f "$T/prefix/lib/cmake/ocimake/ocimake/OcimakeImage.cmake" ] || fail "no module helpers"

if [ "$examples" = ON ]; then
  note "the examples' install rules are still there, for their images' stage"
  for ex in hello fmt-greeter; do
    script="$OCIMAKE_BUILD_DIR/examples/$ex/cmake_install.cmake"
    [ -f "$script" ] || fail "$script: missing"
    grep -q 'file(INSTALL' "$script" || fail "$script: installs nothing"
    ! grep -q "examples/$ex/cmake_install.cmake" "$OCIMAKE_BUILD_DIR/cmake_install.cmake" ||
      fail "ocimake's cmake_install.cmake runs examples/$ex's install rules"
  done
fi
echo "ok: installed $programs"
