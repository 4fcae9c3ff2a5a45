#include "stage/remote_cache_relay.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

// Waits until `fd` is ready for `events` or the relay stops (false), at most
// `timeout_ms` (-1: no limit; a timeout returns false with errno ETIMEDOUT).
bool WaitFor(int fd, short events, int stop, int timeout_ms) {
  pollfd fds[2] = {{fd, events, 0}, {stop, POLLIN, 0}};
  for (;;) {
    int n = poll(fds, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ETIMEDOUT;
    return n > 0 && fds[1].revents == 0;
  }
}

// Writes all of `data` to non-blocking `fd`; false when the peer is gone or
// the relay stops.
bool WriteAll(int fd, const char* data, size_t size, int stop) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, stop, -1)) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Copies bytes both ways between `a` and `b` (both non-blocking) until both
// directions are closed, one side fails, or the relay stops. An end of
// stream from one side is passed on as a half-close to the other.
void Pump(int a, int b, int stop) {
  char buffer[64 * 1024];
  bool open[2] = {true, true};  // a -> b, b -> a
  while (open[0] || open[1]) {
    pollfd fds[3] = {{open[0] ? a : -1, POLLIN, 0}, {open[1] ? b : -1, POLLIN, 0},
                     {stop, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[2].revents) return;
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) continue;
      int from = i == 0 ? a : b, to = i == 0 ? b : a;
      ssize_t n = recv(from, buffer, sizeof buffer, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return;
      if (n == 0) {
        open[i] = false;
        shutdown(to, SHUT_WR);
      } else if (!WriteAll(to, buffer, static_cast<size_t>(n), stop)) {
        return;
      }
    }
  }
}

// A non-blocking connect to `address`, at most `timeout_ms`; the socket or
// -1 with errno set.
int ConnectWithin(const addrinfo* address, int timeout_ms, int stop) {
  int fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  address->ai_protocol);
  if (fd < 0) return -1;
  int err = 0;
  if (connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      socklen_t len = sizeof err;
      err = WaitFor(fd, POLLOUT, stop, timeout_ms) ? 0 : (errno ? errno : ECANCELED);
      if (err == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    }
  }
  if (err != 0) {
    close(fd);
    errno = err;
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

RemoteCacheRelay::RemoteCacheRelay(const std::string& socket_path, RelayTarget target,
                                   int max_connections, int connect_timeout_ms)
    : socket_path_(socket_path),
      target_(std::move(target)),
      max_connections_(max_connections),
      connect_timeout_ms_(connect_timeout_ms) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path)
    Fail("compiler cache relay socket {}: longer than {} bytes (set TMPDIR to a shorter "
         "directory)", socket_path, sizeof address.sun_path - 1);
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) FailErrno("socket(AF_UNIX) for the compiler cache relay");
  stop_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 64) != 0) {
    int err = errno;
    close(listener_);
    if (stop_ >= 0) close(stop_);
    errno = err;
    FailErrno("listening on " + socket_path);
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

RemoteCacheRelay::~RemoteCacheRelay() {
  stopping_ = true;
  uint64_t one = 1;
  if (write(stop_, &one, sizeof one) != sizeof one) std::abort();
  acceptor_.join();
  for (auto& c : connections_) c->thread.join();
  close(listener_);
  close(stop_);
  unlink(socket_path_.c_str());
}

void RemoteCacheRelay::ReapFinished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!(*it)->done) {
      ++it;
      continue;
    }
    (*it)->thread.join();
    it = connections_.erase(it);
  }
}

void RemoteCacheRelay::AcceptLoop() {
  while (WaitFor(listener_, POLLIN, stop_, -1)) {
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) continue;
    ReapFinished();
    if (static_cast<int>(connections_.size()) >= max_connections_) {
      close(client);
      continue;
    }
    auto connection = std::make_unique<Connection>();
    Connection* c = connection.get();
    connections_.push_back(std::move(connection));
    c->thread = std::thread([this, client, c] { Serve(client, c); });
  }
}

int RemoteCacheRelay::ConnectToTarget() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target_.port);
  if (int rc = getaddrinfo(target_.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return rc == EAI_SYSTEM ? -1 : -2;  // -2: the name does not resolve
  int fd = -1, err = ECONNREFUSED;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ConnectWithin(a, connect_timeout_ms_, stop_);
    if (fd < 0) err = errno;
  }
  freeaddrinfo(found);
  errno = err;
  return fd;
}

void RemoteCacheRelay::Serve(int client, Connection* connection) {
  int server = unreachable_ ? -1 : ConnectToTarget();
  if (server >= 0) {
    ++relayed_;
    Pump(client, server, stop_);
    close(server);
  } else if (!stopping_ && !unreachable_.exchange(true)) {
    std::string why = server == -2 ? "the host name does not resolve" : std::strerror(errno);
    std::lock_guard<std::mutex> lock(warn_mutex_);
    std::cerr << "ocimake: warning: compiler cache remote " << target_.shown
              << " unreachable: " << why << "; building without it\n";
  }
  close(client);
  connection->done = true;
}

}  // namespace ocimake
