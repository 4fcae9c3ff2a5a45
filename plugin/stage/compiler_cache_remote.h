// OCIMAKE_COMPILER_CACHE_REMOTE: the URL of ccache's remote storage (a
// Redis or HTTP server) read, checked, redacted for printing and rewritten
// for the build stage's sandbox, which has no network: inside, ccache reaches the
// server through one Unix socket bound at kCompilerCacheSocket (see
// stage/remote_cache_relay.h and docs/sandbox.md).
//
// Accepted forms (ccache's own, "Remote storage backends" in man ccache):
//   redis://[[USER:]PASSWORD@]HOST[:PORT][/DB][|ATTRIBUTES]
//   redis+unix:SOCKET_PATH[?db=DB][|ATTRIBUTES]
//   redis+unix://[[USER:]PASSWORD@localhost]SOCKET_PATH[?db=DB][|ATTRIBUTES]
//   http://[[USER:]PASSWORD@]HOST[:PORT][/PATH][|ATTRIBUTES]
// (https:// is refused: ccache has no HTTPS.) ccache's HTTP backend needs
// TCP: inside, it connects to 127.0.0.1:PORT in the sandbox's own network
// namespace, where ocimake-sandbox --forward-tcp relays to the same socket.
// The URL is a secret when it holds a password: it is printed only redacted.
#ifndef OCIMAKE_STAGE_COMPILER_CACHE_REMOTE_H_
#define OCIMAKE_STAGE_COMPILER_CACHE_REMOTE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/fs_util.h"
#include "rootfs/sandbox_command.h"

namespace ocimake {

class RemoteCacheRelay;

// Where ccache finds the remote inside the sandbox, and its configuration.
inline constexpr char kCompilerCacheSocket[] = "/run/ocimake/compiler-cache.sock";
inline constexpr char kCompilerCacheConfig[] = "/run/ocimake/compiler-cache.conf";

struct CompilerCacheRemote {
  bool unix_socket = false;  // redis+unix: socket_path; redis: host and port
  bool http = false;         // http: host, port and path
  std::string userinfo;      // "[USER:]PASSWORD" as written (percent-encoded), or ""
  std::string host;
  int port = 6379;
  std::string socket_path;  // host path of the server's socket
  std::string db;           // database number, "" for ccache's default (0)
  std::string path;         // http: the path ("/cache"), or ""
  std::string attributes;   // "|connect-timeout=50|..." as written, or ""
};

// Parses `url`; a bad one fails with one line naming the URL redacted and
// what was expected.
CompilerCacheRemote ParseCompilerCacheRemote(const std::string& url);

// `url` fit to print: the password (or a lone userinfo, which ccache takes
// for the password) and any bearer-token attribute replaced by ***
// ("redis://user:***@host:6379"). Works on any text, parsed or not.
std::string RedactUrl(const std::string& url);

// Checks `url` (ParseCompilerCacheRemote) is one the compiler cache `kind`
// can use: ccache only. Debian bookworm's sccache (0.4) is built without
// any remote storage (`sccache --help`: Redis false, S3 false, ...).
void CheckCompilerCacheRemote(const std::string& kind, const std::string& url);

// ccache's remote_storage value inside the sandbox: the same server, its
// credentials and attributes, through kCompilerCacheSocket.
std::string SandboxStorageUrl(const CompilerCacheRemote& remote);

// The ccache configuration file given to the sandbox (CCACHE_CONFIGPATH),
// which ccache reads instead of the ccache.conf of its cache directory:
// that file's settings (`own`, its text) but remote_storage, then
// remote_storage set to SandboxStorageUrl.
std::string CompilerCacheConfig(const CompilerCacheRemote& remote, const std::string& own = "");

// The URL to use: the first line of `file` when given (the module's 0600
// file), else $OCIMAKE_COMPILER_CACHE_REMOTE, else "".
std::string CompilerCacheRemoteUrl(const std::string& file);

// The remote, reachable from one build stage run: a private (0700)
// directory with ccache's configuration file (0600) and, for redis://, the
// relay's socket; for redis+unix: the server's own socket, bound in as it is
// (when it takes a connection now; when not, one warning and no remote).
// Everything goes when the object goes.
class CompilerCacheAccess {
 public:
  // `own`: the text of the cache directory's ccache.conf, kept (see
  // CompilerCacheConfig).
  explicit CompilerCacheAccess(const std::string& url, const std::string& own = "");
  ~CompilerCacheAccess();
  CompilerCacheAccess(const CompilerCacheAccess&) = delete;
  CompilerCacheAccess& operator=(const CompilerCacheAccess&) = delete;

  // What the sandbox gets: the socket and the configuration file bound at
  // kCompilerCacheSocket and kCompilerCacheConfig, and CCACHE_CONFIGPATH;
  // nothing when the remote is left out.
  const std::vector<Bind>& binds() const { return binds_; }
  const std::vector<std::pair<std::string, std::string>>& env() const { return env_; }
  // http://: the port the sandbox listens on inside (--forward-tcp, to
  // kCompilerCacheSocket); 0 otherwise.
  int forward_port() const { return forward_port_; }

 private:
  TempDir dir_;
  std::unique_ptr<RemoteCacheRelay> relay_;
  std::vector<Bind> binds_;
  std::vector<std::pair<std::string, std::string>> env_;
  int forward_port_ = 0;
};

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_COMPILER_CACHE_REMOTE_H_
