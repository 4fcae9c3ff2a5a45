# OCIMAKE_COMPILER_CACHE_REMOTE: ccache's remote storage in a real Redis
# (Debian's redis-server on a free loopback port, with a user and a
# password), reached from the build stage's sandbox, which has no network,
# through ocimake's relay (redis://) or the server's own socket bound in
# (redis+unix:), and ccache's HTTP storage (http://, through the relay and
# a listener in the sandbox's own network namespace). Build directories
# with separate local caches (each its own
# OCIMAKE_CACHE_DIR, the toolchain shared through a symlink) get remote hits
# for every translation unit and the same image digest; with the server
# stopped the build still succeeds, with one warning; the password is in no
# file of the build trees, their layouts and logs, and not in build.ninja.
# The project and toolchain are compiler_cache.sh's (cached_project.sh, the
# same PACKAGES: one toolchain for both).
. "$OCIMAKE_TESTS_DIR/lib.sh"
. "$OCIMAKE_TESTS_DIR/toolchain/cached_project.sh"
need mmdebstrap mmdebstrap
need redis-server redis-server
need redis-cli redis-tools
need curl curl
run_id="$$$RANDOM$RANDOM"
password="pw-${run_id}-Zq7"
mkdir -p "$T/redis"
cached_project "$T/src" bookworm-ccache ccache g++ cmake ninja-build ccache

# The server: a free loopback port, a Unix socket, user "ci" with the
# password (in its config file, not on its command line), killed at exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/redis/redis.conf" <<CONF
port $port
bind 127.0.0.1
unixsocket $T/redis/redis.sock
unixsocketperm 700
save ""
appendonly no
dir $T/redis
logfile $T/redis/redis.log
user default off
user ci on >$password ~* +@all
CONF
redis-server "$T/redis/redis.conf" &
redis_pid=$!
# ccache's HTTP storage: a small WebDAV-like server (GET, PUT, DELETE) with
# basic authentication, on another free port.
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/http"
cat >"$T/http_server.py" <<'PY'
import base64, http.server, os, sys
port, root, auth = int(sys.argv[1]), sys.argv[2], sys.argv[3]
expected = "Basic " + base64.b64encode(auth.encode()).decode()
class Handler(http.server.BaseHTTPRequestHandler):
    def file(self):
        return os.path.join(root, self.path.strip("/").replace("/", "_"))
    def allowed(self):
        if self.headers.get("Authorization") == expected:
            return True
        self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers()
        return False
    def do_GET(self):
        if not self.allowed(): return
        if not os.path.exists(self.file()):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        data = open(self.file(), "rb").read()
        self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
        self.wfile.write(data)
    def do_PUT(self):
        if not self.allowed(): return
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        open(self.file(), "wb").write(data)
        self.send_response(201); self.send_header("Content-Length", "0"); self.end_headers()
    def do_DELETE(self):
        if not self.allowed(): return
        if os.path.exists(self.file()): os.remove(self.file())
        self.send_response(204); self.end_headers()
    def log_message(self, *args): pass
Handler.protocol_version = "HTTP/1.1"
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
python3 "$T/http_server.py" "$http_port" "$T/http" "ci:$password" &
http_pid=$!
trap 'kill "$redis_pid" "$http_pid" 2>/dev/null || :; wait 2>/dev/null || :; rm -rf "$T"' EXIT
rcli() { REDISCLI_AUTH="$password" redis-cli --user ci -h 127.0.0.1 -p "$port" "$@" 2>/dev/null; }
for _ in $(seq 50); do [ "$(rcli ping)" = PONG ] && break; sleep 0.1; done
assert_eq PONG "$(rcli ping)" "redis-server on port $port"
url="redis://ci:$password@127.0.0.1:$port"
shown="redis://ci:***@127.0.0.1:$port"

# A build directory NAME with a local cache of its own: build NAME [cmake args...]
build() {
  local name=$1; shift
  mkdir -p "$T/cache-$name"
  ln -sfn "$OCIMAKE_CACHE_DIR/toolchains" "$T/cache-$name/toolchains"
  build_example "$T/src" "$T/$name" -DRUN_ID="$run_id" -DOCIMAKE_CACHE_DIR="$T/cache-$name" "$@"
}
stats() { cache_stats "$T/$1.build.log"; }
# (the toolchain is made, or found, in the suite's cache, through the symlink)
mkdir -p "$OCIMAKE_CACHE_DIR/toolchains"

note "A: cold, the URL as a cache variable: misses, written to Redis"
build a -DOCIMAKE_COMPILER_CACHE_REMOTE="$url"
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats a)" "A's statistics"
[ "$(rcli dbsize)" -gt 0 ] || fail "nothing was written to Redis"
digest=$(layout_digest "$T/a/cached-image")
secret_file="$T/a/CMakeFiles/ocimake-secrets/compiler-cache-remote"
assert_eq "600" "$(stat -c %a "$secret_file")" "the secret file's mode"
assert_eq "700" "$(stat -c %a "$(dirname "$secret_file")")" "the secret file's directory's mode"
assert_eq "$url" "$(cat "$secret_file")" "the secret file"
assert_contains "$(grep '^OCIMAKE_COMPILER_CACHE_REMOTE' "$T/a/CMakeCache.txt")" "=$shown" "the cache entry"

note "B: a fresh build directory and local cache, the URL in the environment: remote hits"
OCIMAKE_COMPILER_CACHE_REMOTE="$url" build b
assert_eq "ocimake: compiler cache: 5 hits (5 from the remote), 0 misses (ccache)" "$(stats b)" "B's statistics"
assert_eq "$digest" "$(layout_digest "$T/b/cached-image")" "B's image digest (A's)"

note "D: the server's own Unix socket (redis+unix:), bound in"
build d -DOCIMAKE_COMPILER_CACHE_REMOTE="redis+unix://ci:$password@localhost$T/redis/redis.sock"
assert_eq "ocimake: compiler cache: 5 hits (5 from the remote), 0 misses (ccache)" "$(stats d)" "D's statistics"
assert_eq "$digest" "$(layout_digest "$T/d/cached-image")" "D's image digest (A's)"

note "E, F: ccache's HTTP storage (http://), through the relay and the sandbox's --forward-tcp"
for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/x")" = 401 ] && break
  sleep 0.1
done
http_url="http://ci:$password@127.0.0.1:$http_port/cache"
build e -DOCIMAKE_COMPILER_CACHE_REMOTE="$http_url"
assert_eq "ocimake: compiler cache: 0 hits, 5 misses (ccache)" "$(stats e)" "E's statistics"
[ -n "$(ls "$T/http")" ] || fail "nothing was written to the HTTP storage"
build f -DOCIMAKE_COMPILER_CACHE_REMOTE="$http_url"
assert_eq "ocimake: compiler cache: 5 hits (5 from the remote), 0 misses (ccache)" "$(stats f)" "F's statistics"
assert_eq "$digest" "$(layout_digest "$T/f/cached-image")" "F's image digest (A's)"

note "C: the server stopped: the build succeeds, with one warning"
kill "$redis_pid"
wait "$redis_pid" 2>/dev/null || :
build c -DOCIMAKE_COMPILER_CACHE_REMOTE="$url"
warning="ocimake: warning: compiler cache remote $shown unreachable: Connection refused; building without it"
assert_eq "$warning" "$(grep 'compiler cache remote' "$T/c.build.log")" "C's warning (once)"
assert_contains "$(stats c)" "ocimake: compiler cache: 0 hits, 5 misses" "C's statistics"
assert_eq "$digest" "$(layout_digest "$T/c/cached-image")" "C's image digest (A's)"
assert_eq "40" "$("$OCIMAKE" run "$T/c/cached-image")" "the program's output"

note "the password: in no file but the secret files, not in build.ninja"
for name in a b c d e f; do
  if grep -q -F -- "$password" "$T/$name/build.ninja"; then fail "build.ninja of $name holds the password"; fi
done
leaks=$(grep -r -l -F -- "$password" "$T"/[a-f] "$T"/cache-* "$T"/*.log 2>/dev/null |
  grep -v '/CMakeFiles/ocimake-secrets/compiler-cache-remote$' || :)
assert_eq "" "$leaks" "files holding the password"
# The relay's private directories are gone.
assert_eq "" "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'ocimake-cc-*' -user "$(id -u)" -newer "$T/src/main.cpp" 2>/dev/null)" "relay directories left"
echo "ok: remote hits for all 5 translation units in fresh build directories (Redis through the relay and a bound Unix socket, HTTP through the relay and --forward-tcp), same digest; server stopped: built, one warning; the password in no build file"
