#include "stage/compiler_cache_remote.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "stage/remote_cache_relay.h"

namespace ocimake {

namespace {

constexpr char kExpected[] =
    "expected redis://[[USER:]PASSWORD@]HOST[:PORT][/DB], redis+unix:SOCKET_PATH[?db=DB], "
    "redis+unix://[[USER:]PASSWORD@localhost]SOCKET_PATH[?db=DB] or "
    "http://[[USER:]PASSWORD@]HOST[:PORT][/PATH], each optionally followed by |ATTRIBUTES";

[[noreturn]] void BadUrl(const std::string& url, const std::string& why) {
  Fail("OCIMAKE_COMPILER_CACHE_REMOTE {}: {}; {}", Printable(RedactUrl(url)), why, kExpected);
}

// "[USER:]PASSWORD" redacted: the user kept, the password ***.
std::string RedactUserinfo(const std::string& userinfo) {
  size_t colon = userinfo.find(':');
  return colon == std::string::npos ? "***" : userinfo.substr(0, colon) + ":***";
}

// "|a=b|bearer-token=x" (as after the URL) with every bearer-token's value ***.
std::string RedactAttributes(const std::string& attributes) {
  std::string out;
  for (const auto& attribute : Split(attributes.substr(1), '|')) {
    size_t eq = attribute.find('=');
    bool secret = eq != std::string::npos && attribute.substr(0, eq) == "bearer-token";
    out += "|" + (secret ? attribute.substr(0, eq) + "=***" : attribute);
  }
  return out;
}

void CheckDb(const std::string& url, const std::string& db) {
  if (!db.empty() && (!IsDecimal(db) || db.size() > 9))
    BadUrl(url, "database '" + db + "' is not a number");
}

// HOST[:PORT] or [V6]:PORT into `r`.
void ParseHostPort(const std::string& url, const std::string& hostport, CompilerCacheRemote* r) {
  std::string port;
  if (StartsWith(hostport, "[")) {
    size_t close = hostport.find(']');
    if (close == std::string::npos) BadUrl(url, "unclosed '[' in the host");
    r->host = hostport.substr(1, close - 1);
    std::string rest = hostport.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') BadUrl(url, "expected ':PORT' after ']'");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    size_t colon = hostport.find(':');
    r->host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (r->host.empty()) BadUrl(url, "no host");
  if (r->host.find('*') != std::string::npos)
    BadUrl(url, "one server: ccache's shards ('*' in the host) are not supported");
  if (port.empty()) return;
  if (!IsDecimal(port) || port.size() > 5 || std::stoi(port) == 0 || std::stoi(port) > 65535)
    BadUrl(url, "port '" + port + "' is not a number from 1 to 65535");
  r->port = std::stoi(port);
}

// The [USERINFO@]HOST[:PORT] that starts `rest`, into `r`; returns where
// the path after it starts (npos: none).
size_t ParseAuthority(const std::string& url, const std::string& rest, CompilerCacheRemote* r) {
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    r->userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  ParseHostPort(url, authority, r);
  return slash;
}

// After "redis://": [USERINFO@]HOST[:PORT][/DB].
void ParseRedisTcp(const std::string& url, const std::string& rest, CompilerCacheRemote* r) {
  size_t slash = ParseAuthority(url, rest, r);
  if (slash != std::string::npos) r->db = rest.substr(slash + 1);
  CheckDb(url, r->db);
}

// After "http://": [USERINFO@]HOST[:PORT][/PATH].
void ParseHttp(const std::string& url, const std::string& rest, CompilerCacheRemote* r) {
  r->http = true;
  r->port = 80;
  size_t slash = ParseAuthority(url, rest, r);
  if (slash != std::string::npos) r->path = rest.substr(slash);
}

// After "redis+unix:": SOCKET_PATH[?db=DB] or //[USERINFO@localhost]SOCKET_PATH[?db=DB].
void ParseRedisUnix(const std::string& url, std::string rest, CompilerCacheRemote* r) {
  r->unix_socket = true;
  if (StartsWith(rest, "//")) {
    size_t slash = rest.find('/', 2);
    if (slash == std::string::npos) BadUrl(url, "no socket path");
    std::string authority = rest.substr(2, slash - 2);
    size_t at = authority.rfind('@');
    if (at != std::string::npos) {
      r->userinfo = authority.substr(0, at);
      authority = authority.substr(at + 1);
    }
    if (!authority.empty() && authority != "localhost")
      BadUrl(url, "a Unix socket's host must be localhost or empty, not '" + authority + "'");
    rest = rest.substr(slash);
  }
  size_t query = rest.find('?');
  if (query != std::string::npos) {
    std::string q = rest.substr(query + 1);
    if (!StartsWith(q, "db=")) BadUrl(url, "unknown query '" + q + "'");
    r->db = q.substr(3);
    rest = rest.substr(0, query);
  }
  if (!StartsWith(rest, "/")) BadUrl(url, "the socket path must be absolute");
  r->socket_path = rest;
  CheckDb(url, r->db);
}

// "" when a Unix socket at `path` takes a connection now, else why not.
std::string ProbeUnixSocket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return "the socket path is too long";
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::strerror(errno);
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  std::string why = rc == 0 ? "" : std::strerror(errno);
  close(fd);
  return why;
}

// A 0600 file, written before anything else can open it.
void WritePrivateFile(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  if (fchmod(file.fd(), 0600) != 0) FailErrno("chmod " + file.temp_path());
  file.Write(text);
  file.Commit();
}

}  // namespace

CompilerCacheAccess::CompilerCacheAccess(const std::string& url, const std::string& own)
    : dir_(TempParent(), "ocimake-cc-") {
  CompilerCacheRemote remote = ParseCompilerCacheRemote(url);
  std::string shown = Printable(RedactUrl(url));
  std::string socket = remote.socket_path;
  if (remote.unix_socket) {
    std::string why = ProbeUnixSocket(socket);
    if (!why.empty()) {
      std::cerr << "ocimake: warning: compiler cache remote " << shown << " unreachable: " << why
                << "; building without it\n";
      return;
    }
  } else {
    socket = JoinPath(dir_.path(), "s");
    relay_ = std::make_unique<RemoteCacheRelay>(socket,
                                                RelayTarget{remote.host, remote.port, shown});
  }
  std::string config = JoinPath(dir_.path(), "ccache.conf");
  WritePrivateFile(config, CompilerCacheConfig(remote, own));
  binds_ = {{socket, kCompilerCacheSocket, false}, {config, kCompilerCacheConfig, true}};
  if (remote.http) forward_port_ = remote.port;
  env_ = {{"CCACHE_CONFIGPATH", kCompilerCacheConfig}};
}

CompilerCacheAccess::~CompilerCacheAccess() = default;

std::string RedactUrl(const std::string& url) {
  size_t bar = url.find('|');
  std::string main = url.substr(0, bar);
  std::string attributes = bar == std::string::npos ? "" : RedactAttributes(url.substr(bar));
  size_t scheme = main.find("://");
  size_t at = main.rfind('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme + 3)
    main = main.substr(0, scheme + 3) + RedactUserinfo(main.substr(scheme + 3, at - scheme - 3)) +
           main.substr(at);
  return main + attributes;
}

CompilerCacheRemote ParseCompilerCacheRemote(const std::string& url) {
  for (char c : url)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
      BadUrl(url, "one URL without spaces or line breaks");
  CompilerCacheRemote r;
  size_t bar = url.find('|');
  std::string main = url.substr(0, bar);
  if (bar != std::string::npos) r.attributes = url.substr(bar);
  if (StartsWith(main, "redis://")) {
    ParseRedisTcp(url, main.substr(8), &r);
  } else if (StartsWith(main, "redis+unix:")) {
    ParseRedisUnix(url, main.substr(11), &r);
  } else if (StartsWith(main, "http://")) {
    ParseHttp(url, main.substr(7), &r);
  } else if (StartsWith(main, "https://")) {
    BadUrl(url, "ccache has no HTTPS storage");
  } else {
    BadUrl(url, "unknown scheme");
  }
  return r;
}

void CheckCompilerCacheRemote(const std::string& kind, const std::string& url) {
  if (kind != "ccache")
    Fail("COMPILER_CACHE {0}: OCIMAKE_COMPILER_CACHE_REMOTE ({1}) works with COMPILER_CACHE "
         "ccache only ({0} 0.4, Debian bookworm's, is built without remote storage); unset it "
         "or use COMPILER_CACHE ccache", kind, Printable(RedactUrl(url)));
  ParseCompilerCacheRemote(url);
}

std::string SandboxStorageUrl(const CompilerCacheRemote& r) {
  if (r.http)
    return "http://" + (r.userinfo.empty() ? "" : r.userinfo + "@") + "127.0.0.1:" +
           std::to_string(r.port) + r.path + r.attributes;
  std::string url = "redis+unix://";
  if (!r.userinfo.empty()) url += r.userinfo + "@localhost";
  url += kCompilerCacheSocket;
  if (!r.db.empty()) url += "?db=" + r.db;
  return url + r.attributes;
}

std::string CompilerCacheConfig(const CompilerCacheRemote& r, const std::string& own) {
  std::string text;
  for (const auto& line : Split(own, '\n')) {
    std::string key = Trim(line.substr(0, line.find('=')));
    if (!line.empty() && key != "remote_storage" && key != "secondary_storage")
      text += line + "\n";
  }
  return text +
         "# Written by ocimake for one build stage run (removed after): the\n"
         "# compiler cache's remote storage, through the socket ocimake binds in.\n"
         "remote_storage = " + SandboxStorageUrl(r) + "\n";
}

std::string CompilerCacheRemoteUrl(const std::string& file) {
  if (!file.empty()) return Trim(FirstLine(ReadFile(file)));
  const char* env = std::getenv("OCIMAKE_COMPILER_CACHE_REMOTE");
  return env ? Trim(env) : "";
}

}  // namespace ocimake
