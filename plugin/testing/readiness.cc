#include "testing/readiness.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace {

constexpr int kAttemptMillis = 1000;

bool IsPort(const std::string& text) {
  return IsDecimal(text) && text.size() <= 5 && std::stoi(text) >= 1 && std::stoi(text) <= 65535;
}

[[noreturn]] void BadProbe(const std::string& text, const std::string& why) {
  Fail("READY {}: {}; expected tcp:[HOST:]PORT, http://HOST[:PORT]/PATH or log:REGEX", text, why);
}

ReadinessProbe ParseTcp(const std::string& text) {
  ReadinessProbe p;
  std::string rest = text.substr(4);
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    p.host = rest.substr(0, colon);
    rest = rest.substr(colon + 1);
  }
  if (p.host.empty() || !IsPort(rest)) BadProbe(text, "no port 1-65535");
  p.port = rest;
  return p;
}

ReadinessProbe ParseHttp(const std::string& text) {
  ReadinessProbe p;
  p.kind = ReadinessProbe::Kind::kHttp;
  std::string rest = text.substr(7);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) p.path = rest.substr(slash);
  size_t colon = authority.rfind(':');
  p.host = authority.substr(0, colon);
  p.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (p.host.empty() || !IsPort(p.port)) BadProbe(text, "no host, or a port not in 1-65535");
  return p;
}

// A socket connected to the probe's host and port within the attempt's
// time, or -1 with `why` set.
int Connect(const ReadinessProbe& p, std::string* why) {
  struct addrinfo hints = {}, *found = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (int rc = getaddrinfo(p.host.c_str(), p.port.c_str(), &hints, &found); rc != 0) {
    *why = fmt::format("{}: {}", p.host, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (auto* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int err = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      struct pollfd w = {fd, POLLOUT, 0};
      socklen_t len = sizeof err;
      err = poll(&w, 1, kAttemptMillis) == 1 ? 0 : ETIMEDOUT;
      if (err == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
    if (err != 0) {
      *why = strerror(err);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

// The status of a GET of the probe's path, 0 when no status line came.
int HttpStatus(int fd, const ReadinessProbe& p, std::string* why) {
  std::string request = fmt::format("GET {} HTTP/1.0\r\nHost: {}:{}\r\nConnection: close\r\n\r\n",
                                    p.path, p.host, p.port);
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    *why = "the request could not be sent";
    return 0;
  }
  std::string head;
  struct pollfd r = {fd, POLLIN, 0};
  char buf[512];
  while (head.find('\n') == std::string::npos && poll(&r, 1, kAttemptMillis) == 1) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, n);
  }
  std::smatch m;
  if (std::regex_search(head, m, std::regex("^HTTP/[0-9.]+ ([0-9]{3})"))) return std::stoi(m[1]);
  *why = "no HTTP status line";
  return 0;
}

}  // namespace

ReadinessProbe ParseReadinessProbe(const std::string& text) {
  ReadinessProbe p;
  if (StartsWith(text, "tcp:")) {
    p = ParseTcp(text);
  } else if (StartsWith(text, "http://")) {
    p = ParseHttp(text);
  } else if (StartsWith(text, "log:") && text.size() > 4) {
    p.kind = ReadinessProbe::Kind::kLog;
    p.pattern = text.substr(4);
    try {
      std::regex check(p.pattern);
    } catch (const std::regex_error& e) {
      BadProbe(text, std::string("not a regular expression: ") + e.what());
    }
  } else {
    BadProbe(text, "unknown form");
  }
  p.text = text;
  return p;
}

bool ProbeReady(const ReadinessProbe& probe, const std::string& log_file, std::string* why) {
  if (probe.kind == ReadinessProbe::Kind::kLog) {
    bool found = std::regex_search(ReadFile(log_file, 64 << 20), std::regex(probe.pattern));
    if (!found) *why = "no line of its output matches";
    return found;
  }
  int fd = Connect(probe, why);
  if (fd < 0) return false;
  int status = probe.kind == ReadinessProbe::Kind::kHttp ? HttpStatus(fd, probe, why) : 200;
  close(fd);
  if (status != 0 && (status < 200 || status > 299)) *why = fmt::format("HTTP {}", status);
  return status >= 200 && status <= 299;
}

}  // namespace ocimake
