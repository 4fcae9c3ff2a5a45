#include "testing/readiness.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "base/test_support.h"
#include "testing/pod.h"

namespace ocimake {
namespace {

TEST(ReadinessTest, ParsesTheThreeForms) {
  ReadinessProbe tcp = ParseReadinessProbe("tcp:8080");
  EXPECT_EQ(tcp.kind, ReadinessProbe::Kind::kTcp);
  EXPECT_EQ(tcp.host, "localhost");
  EXPECT_EQ(tcp.port, "8080");
  EXPECT_EQ(ParseReadinessProbe("tcp:redis:6379").host, "redis");
  ReadinessProbe http = ParseReadinessProbe("http://api:9000/v1/health?deep=1");
  EXPECT_EQ(http.kind, ReadinessProbe::Kind::kHttp);
  EXPECT_EQ(http.host, "api");
  EXPECT_EQ(http.port, "9000");
  EXPECT_EQ(http.path, "/v1/health?deep=1");
  EXPECT_EQ(ParseReadinessProbe("http://api").port, "80");
  EXPECT_EQ(ParseReadinessProbe("http://api").path, "/");
  ReadinessProbe log = ParseReadinessProbe("log:listening on [0-9]+");
  EXPECT_EQ(log.kind, ReadinessProbe::Kind::kLog);
  EXPECT_EQ(log.pattern, "listening on [0-9]+");
  EXPECT_EQ(log.text, "log:listening on [0-9]+");
}

TEST(ReadinessTest, RefusesWhatItCannotProbe) {
  for (const char* bad : {"tcp:", "tcp:0", "tcp:65536", "tcp:80x", "http://:80/", "http://a:b/",
                          "https://a/", "udp:53", "log:", "log:(unclosed", "8080"}) {
    std::string error = testing::ErrorOf([&] { ParseReadinessProbe(bad); });
    EXPECT_NE(error.find(std::string("READY ") + bad + ": "), std::string::npos) << error;
    EXPECT_NE(error.find("expected tcp:[HOST:]PORT"), std::string::npos) << error;
  }
}

// A listening socket on the host's loopback, on a port the kernel picks.
struct Listener {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::string port;
  Listener() {
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 4);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = std::to_string(ntohs(addr.sin_port));
  }
  ~Listener() { close(fd); }
  // Answers one connection with `answer` after reading the request.
  std::thread AnswerOnce(std::string answer) {
    return std::thread([this, answer] {
      int c = accept(fd, nullptr, nullptr);
      char buf[1024];
      (void)!read(c, buf, sizeof buf);
      (void)!write(c, answer.data(), answer.size());
      close(c);
    });
  }
};

TEST(ReadinessTest, TcpIsReadyWhenAConnectionIsAccepted) {
  std::string why;
  {
    Listener listener;
    EXPECT_TRUE(ProbeReady(ParseReadinessProbe("tcp:127.0.0.1:" + listener.port), "", &why));
    why.clear();
    close(listener.fd);
    listener.fd = -1;
    EXPECT_FALSE(ProbeReady(ParseReadinessProbe("tcp:127.0.0.1:" + listener.port), "", &why));
  }
  EXPECT_EQ(why, "Connection refused");
}

TEST(ReadinessTest, HttpIsReadyOnA2xxStatus) {
  Listener listener;
  ReadinessProbe probe = ParseReadinessProbe("http://127.0.0.1:" + listener.port + "/health");
  std::string why;
  std::thread busy = listener.AnswerOnce("HTTP/1.1 503 Service Unavailable\r\n\r\n");
  EXPECT_FALSE(ProbeReady(probe, "", &why));
  busy.join();
  EXPECT_EQ(why, "HTTP 503");
  std::thread ok = listener.AnswerOnce("HTTP/1.0 204 No Content\r\n\r\n");
  EXPECT_TRUE(ProbeReady(probe, "", &why));
  ok.join();
  std::thread garbage = listener.AnswerOnce("pong\n");
  EXPECT_FALSE(ProbeReady(probe, "", &why));
  garbage.join();
  EXPECT_EQ(why, "no HTTP status line");
}

TEST(ReadinessTest, LogIsReadyWhenTheOutputMatches) {
  testing::ScratchDir dir;
  ReadinessProbe probe = ParseReadinessProbe("log:listening on [0-9]+");
  std::string why;
  testing::WriteTestFile(dir / "log", "starting\n");
  EXPECT_FALSE(ProbeReady(probe, dir / "log", &why));
  EXPECT_EQ(why, "no line of its output matches");
  testing::WriteTestFile(dir / "log", "starting\nlistening on 8080\n");
  EXPECT_TRUE(ProbeReady(probe, dir / "log", &why));
}

TEST(PodTest, HostsFileNamesEveryServiceOnLoopback) {
  EXPECT_EQ(PodHostsFile({"api", "redis"}),
            "127.0.0.1\tlocalhost api redis\n::1\tlocalhost ip6-localhost ip6-loopback api redis\n");
  for (const char* bad : {"", "-api", "a_b", "a.b", "a b"}) {
    std::string error = testing::ErrorOf([&] { PodHostsFile({"api", bad}); });
    EXPECT_NE(error.find("expected a host name"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace ocimake
