// The build stage's one way out to a compiler cache server: for the length
// of a sandbox run, a Unix socket on the host (in a private directory,
// bound into the sandbox) whose every connection is relayed, byte for byte
// both ways, to ONE TCP endpoint (the Redis server of
// OCIMAKE_COMPILER_CACHE_REMOTE, Redis or HTTP, resolved on the host). It
// knows no protocol. The sandbox keeps
// no network of its own; this is all it can reach (docs/sandbox.md).
//
// When the endpoint can't be reached, the relay says so once on stderr
// ("ocimake: warning: compiler cache remote <shown> unreachable: <why>;
// building without it"), closes that connection and every later one at
// once (ccache then counts a remote error and goes on with its local
// cache), so a cache server that is down costs one timeout, not one per
// compile.
#ifndef OCIMAKE_STAGE_REMOTE_CACHE_RELAY_H_
#define OCIMAKE_STAGE_REMOTE_CACHE_RELAY_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ocimake {

struct RelayTarget {
  std::string host;  // name or address, resolved on each connection
  int port = 0;
  std::string shown;  // how the warning names it (a redacted URL)
};

class RemoteCacheRelay {
 public:
  // Listens on `socket_path` (created; its directory should be private);
  // at most `max_connections` relayed at once (more are closed at once).
  RemoteCacheRelay(const std::string& socket_path, RelayTarget target,
                   int max_connections = 64, int connect_timeout_ms = 2000);
  // Stops: no new connections, the live ones closed, every thread joined,
  // the socket removed.
  ~RemoteCacheRelay();
  RemoteCacheRelay(const RemoteCacheRelay&) = delete;
  RemoteCacheRelay& operator=(const RemoteCacheRelay&) = delete;

  // Whether the endpoint was found unreachable (and the warning printed).
  bool unreachable() const { return unreachable_; }
  // Connections relayed to the endpoint so far.
  int relayed() const { return relayed_; }

 private:
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void AcceptLoop();
  void Serve(int client, Connection* connection);
  int ConnectToTarget();
  void ReapFinished();

  std::string socket_path_;
  RelayTarget target_;
  int max_connections_;
  int connect_timeout_ms_;
  int listener_ = -1;
  int stop_ = -1;  // an eventfd, readable once the relay stops
  std::atomic<bool> unreachable_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> relayed_{0};
  std::mutex warn_mutex_;
  std::list<std::unique_ptr<Connection>> connections_;  // the accept thread's
  std::thread acceptor_;
};

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_REMOTE_CACHE_RELAY_H_
