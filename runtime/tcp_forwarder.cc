#include "tcp_forwarder.h"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "diagnostics.h"
#include "exec_command.h"

namespace ocimake::sandbox {
namespace {

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Copies both ways until both directions end; an end of stream is passed
// on as a half-close.
void Pump(int a, int b) {
  char buffer[64 * 1024];
  bool open[2] = {true, true};
  while (open[0] || open[1]) {
    struct pollfd fds[2] = {{open[0] ? a : -1, POLLIN, 0},
                            {open[1] ? b : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) continue;
      int from = i == 0 ? a : b, to = i == 0 ? b : a;
      ssize_t n = recv(from, buffer, sizeof(buffer), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      if (n == 0) {
        open[i] = false;
        shutdown(to, SHUT_WR);
      } else if (!WriteAll(to, buffer, static_cast<size_t>(n))) {
        return;
      }
    }
  }
}

int ConnectUnix(const std::string& path) {
  struct sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return -1;
  memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 &&
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

[[noreturn]] void Serve(int listener, const std::string& socket_path) {
  signal(SIGCHLD, SIG_IGN);  // connection processes reap themselves
  for (;;) {
    int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    if (fork() == 0) {
      close(listener);
      int server = ConnectUnix(socket_path);
      if (server >= 0) Pump(client, server);
      _exit(0);
    }
    close(client);
  }
}

int Listen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 64) != 0) {
    SyscallFailed("listen on 127.0.0.1:%d for --forward-tcp", port);
    return -1;
  }
  return fd;
}

}  // namespace

bool StartTcpForwarder(const SandboxOptions& options, bool in_user_namespace) {
  if (options.forward_port == 0) return true;
  int listener = Listen(options.forward_port);
  if (listener < 0) return false;
  pid_t forwarder = fork();
  if (forwarder < 0) return SyscallFailed("fork() for --forward-tcp");
  if (forwarder == 0) {
    if (setsid() < 0 || !DropPrivileges(options, in_user_namespace)) _exit(1);
    Serve(listener, options.forward_socket);
  }
  close(listener);
  return true;
}

}  // namespace ocimake::sandbox
