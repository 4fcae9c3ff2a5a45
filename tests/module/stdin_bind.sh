# add_container_test() STDIN and BIND with a filter CLI (tests/module/filter):
# the input file is the command's stdin; bound data is readable and, by
# default, read-only; :rw writes reach the host; a missing STDIN file is a
# one-line error naming it. Also: `inspect --files` of the real image.
. "$OCIMAKE_TESTS_DIR/lib.sh"
cp -r "$OCIMAKE_TESTS_DIR/module/filter" "$T/src"
chmod -R u+w "$T/src"
build_example "$T/src" "$T/b"
# The image runs as nonroot (65532). Run by root (CI), the sandbox gives the
# command that real uid, so, as with `docker run --user`, the host files it
# may write must let it: the data file (which the read-only bind must then
# protect) and the :rw output directory.
chmod a+w "$T/src/data/table.txt" "$T/b/out"
run_test() {  # run_test NAME: runs one test of the project, which must pass
  out=$(ctest --test-dir "$T/b" -R "^$1\$" --output-on-failure 2>&1) || fail "$1: $out"
  printf '%s\n' "$out" | grep -Eq "Test +#[0-9]+: $1 \.+ +Passed" || fail "$1 did not pass: $out"
}
run_test upcase-stdin
run_test upcase-bind-reads
run_test upcase-bind-read-only
assert_eq "$(printf 'alpha 1\nbeta 2')" "$(cat "$T/src/data/table.txt")" "the read-only data file"
run_test upcase-bind-rw
assert_eq "written from the container" "$(cat "$T/b/out/log.txt")" "the :rw bind on the host"
# The arguments the module passed: relative paths resolved in the source dir.
command() {  # the command line of one test, arguments separated by '|'
  ctest --test-dir "$T/b" -R "^$1\$" --show-only=json-v1 |
    python3 -c 'import json,sys; print("|".join(next(t["command"] for t in json.load(sys.stdin)["tests"] if t["name"] == sys.argv[1])))' "$1"
}
args=$(command upcase-bind-rw)
assert_contains "$args" "|--bind|$T/b/out:/out|--bind|$T/src/data:/data:ro|" "BIND items"
assert_contains "$(command upcase-bind-reads)" "|--bind|$T/src/data:/data:ro|" "BIND default"
assert_contains "$(command upcase-stdin)" "|--stdin|$T/src/input.md" "STDIN"
# Without the STDIN file the test fails with one line naming it.
expect_failure out ctest --test-dir "$T/b" -R '^upcase-missing-stdin$' --output-on-failure
assert_contains "$out" "ocimake run: --stdin $T/src/no-such-input.md: No such file or directory"
line=$(printf '%s\n' "$out" | grep -- '--stdin')
assert_one_line "$line"
# And without ctest: the same filter, stdin from a file.
assert_eq "lines=1 first=X" "$("$OCIMAKE" run "$T/b/upcase-image" --stdin <(echo x) | tail -n1)" "run --stdin"

# The real image, listed: the installed program in the app layer.
files=$("$OCIMAKE" inspect --files "$T/b/upcase-image")
assert_contains "$files" "-rwxr-xr-x" "inspect --files"
printf '%s\n' "$files" | grep -Eq '^  -rwxr-xr-x +[0-9]+  /usr/local/bin/upcase$' ||
  fail "inspect --files: no /usr/local/bin/upcase line in: $files"
echo "ok: STDIN and BIND"
