# CTest fixture: starts (setup) or stops (cleanup) a registry that the tests
# requiring the fixture share. fixture.sh start|stop DIR MODE
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/registry/registry_lib.sh"
action=$1 dir=$2 mode=$3
case "$action" in
  start)
    registry_stop "$dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    registry_start "$dir" "$mode"
    registry_load "$dir"
    note "registry ($mode) on $REG_HOST, pid $REG_PID, log $REG_LOG"
    ;;
  stop)
    registry_stop "$dir"
    ;;
  *) fail "usage: fixture.sh start|stop DIR MODE" ;;
esac
