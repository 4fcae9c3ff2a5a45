#include "stage/remote_cache_relay.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;

// A loopback TCP port nobody listens on (bound, then let go).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

int ConnectUnix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends `request` and reads until `expected_size` bytes came (or the end).
std::string Exchange(int fd, const std::string& request, size_t expected_size) {
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return "(send failed)";
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  char buffer[65536];
  while (reply.size() < expected_size) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  return reply;
}

// Debian's redis-server on a free loopback port, for the test's length.
class RedisServer {
 public:
  explicit RedisServer(const std::string& dir) : port_(FreePort()) {
    pid_ = fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_), log = dir + "/redis.log";
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", dir.c_str(), "--logfile", log.c_str(),
             nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100 && !Ready(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~RedisServer() { Stop(); }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  bool Ready() const {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return false;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port_));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

bool HaveRedisServer() { return system("command -v redis-server >/dev/null 2>&1") == 0; }

// Commands and a 3 MB value go through the relay to a real Redis and back,
// on several connections at once.
TEST(RemoteCacheRelayTest, RelaysToARealRedis) {
  ASSERT_TRUE(HaveRedisServer()) << "redis-server is missing: apt-get install redis-server";
  ScratchDir dir;
  RedisServer redis(dir.path());
  ASSERT_TRUE(redis.Ready()) << "redis-server did not start on port " << redis.port();
  std::string socket = dir / "relay.sock";
  RemoteCacheRelay relay(socket, {"localhost", redis.port(), "redis://localhost"});
  int a = ConnectUnix(socket), b = ConnectUnix(socket);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(Exchange(a, "PING\r\n", 7), "+PONG\r\n");
  std::string value(3 << 20, 'x');
  for (size_t i = 0; i < value.size(); i += 4093) value[i] = static_cast<char>('a' + i % 26);
  std::string set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(value.size()) + "\r\n" +
                    value + "\r\n";
  EXPECT_EQ(Exchange(b, set, 5), "+OK\r\n");
  std::string expected = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  EXPECT_TRUE(Exchange(a, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", expected.size()) == expected);
  close(a);
  close(b);
  EXPECT_EQ(relay.relayed(), 2);
  EXPECT_FALSE(relay.unreachable());
}

// Nothing listening: the connection is closed at once, the warning printed
// once, and later connections closed without another try.
TEST(RemoteCacheRelayTest, UnreachableEndpointWarnsOnceAndClosesConnections) {
  ScratchDir dir;
  std::string socket = dir / "relay.sock";
  ::testing::internal::CaptureStderr();
  {
    RemoteCacheRelay relay(socket, {"127.0.0.1", FreePort(), "redis://u:***@127.0.0.1"});
    for (int i = 0; i < 3; ++i) {
      int fd = ConnectUnix(socket);
      ASSERT_GE(fd, 0);
      EXPECT_EQ(Exchange(fd, "", 1), "");  // closed at once
      close(fd);
    }
    EXPECT_TRUE(relay.unreachable());
    EXPECT_EQ(relay.relayed(), 0);
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "ocimake: warning: compiler cache remote redis://u:***@127.0.0.1 unreachable: "
            "Connection refused; building without it\n");
  EXPECT_FALSE(PathExists(socket));
}

// A relay stops promptly with a connection still open, and its socket goes.
TEST(RemoteCacheRelayTest, StopsWithLiveConnections) {
  ASSERT_TRUE(HaveRedisServer()) << "redis-server is missing: apt-get install redis-server";
  ScratchDir dir;
  RedisServer redis(dir.path());
  std::string socket = dir / "relay.sock";
  int fd = -1;
  auto start = std::chrono::steady_clock::now();
  {
    RemoteCacheRelay relay(socket, {"127.0.0.1", redis.port(), "redis://127.0.0.1"});
    fd = ConnectUnix(socket);
    EXPECT_EQ(Exchange(fd, "PING\r\n", 7), "+PONG\r\n");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(Exchange(fd, "", 1), "");  // closed by the relay
  close(fd);
  EXPECT_FALSE(PathExists(socket));
}

TEST(RemoteCacheRelayTest, RefusesASocketPathTooLong) {
  std::string path = "/tmp/" + std::string(200, 'x') + ".sock";
  EXPECT_NE(testing::ErrorOf([&] { RemoteCacheRelay relay(path, {"h", 1, "redis://h"}); })
                .find("longer than 107 bytes"),
            std::string::npos);
}

}  // namespace
}  // namespace ocimake
