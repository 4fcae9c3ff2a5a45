#include "registry/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "oci/oci_layout.h"
#include "registry/registry_client.h"

namespace ocimake {
namespace {

// A one-request-per-connection HTTP server on a loopback port: reads a
// request head, hands it to `respond`, which writes to the socket, and closes
// the connection.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(int fd, const std::string& head)> respond)
      : respond_(std::move(respond)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> heads;

 private:
  void Serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      for (;;) {
        std::string head;
        char ch;
        while (head.find("\r\n\r\n") == std::string::npos && read(c, &ch, 1) == 1) {
          head += ch;
          if (head[0] == 0x16) break;  // a TLS handshake: close, as an http server does
        }
        if (head.empty() || head[0] == 0x16) break;
        heads.push_back(head);
        respond_(c, head);
        break;  // one request per connection (the responses say "Connection: close")
      }
      close(c);
    }
  }
  std::function<void(int, const std::string&)> respond_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void Write(int fd, std::string s) {
  // Every response closes its connection: the server serves one at a time.
  if (s.rfind("HTTP/1.1 ", 0) == 0) s.insert(s.find("\r\n") + 2, "Connection: close\r\n");
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

TEST(HttpClientTest, StopsReadingAnErrorBodyAtTheLimit) {
  std::atomic<size_t> written{0};
  FakeServer server([&](int fd, const std::string&) {
    Write(fd, "HTTP/1.1 500 Oops\r\nContent-Length: 104857600\r\n\r\n");
    std::string chunk(1 << 16, 'x');
    while (written < (100u << 20)) {
      ssize_t n = write(fd, chunk.data(), chunk.size());
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_RDWR);
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.url("/big");
  request.max_body = 1000;
  HttpResponse r = client.Perform(request);
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.body_truncated);
  EXPECT_EQ(r.body.size(), 1000u);
  EXPECT_LT(written.load(), 100u << 20) << "the client read the whole body";
}

TEST(HttpClientTest, ConnectionRefusedIsTransient) {
  int port;
  {
    FakeServer server([](int, const std::string&) {});
    port = std::stoi(server.host().substr(10));
  }
  HttpClient client;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/v2/";
  try {
    client.Perform(request);
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_STREQ(e.what(), "connection refused");
  }
}

TEST(UrlTest, ResolveAuthorityAndQuery) {
  EXPECT_EQ(ParseUrl("https://Reg.Example.com:443/v2/").authority, "reg.example.com");
  EXPECT_EQ(ParseUrl("http://127.0.0.1:5000/v2/").authority, "127.0.0.1:5000");
  EXPECT_EQ(ParseUrl("http://[::1]:5000/v2/").authority, "[::1]:5000");
  EXPECT_EQ(ResolveUrl("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_state=x"),
            "http://h:1/v2/a/blobs/uploads/u?_state=x");
  EXPECT_EQ(ResolveUrl("http://h:1/v2/", "https://cdn.example/blob"), "https://cdn.example/blob");
  EXPECT_EQ(AddQuery("http://h/u?_state=x", "digest", "sha256:ab"),
            "http://h/u?_state=x&digest=sha256%3Aab");
  EXPECT_EQ(AddQuery("/v2/a/blobs/uploads/", "mount", "x y"), "/v2/a/blobs/uploads/?mount=x%20y");
}

TEST(RegistryClientTest, ManifestMustMatchTheDigestTheRegistryClaims) {
  const std::string body = R"({"schemaVersion":2,"layers":[],"config":{}})";
  const std::string other = "sha256:" + std::string(64, '0');
  FakeServer server([&](int fd, const std::string& head) {
    if (head.rfind("GET /v2/ ", 0) == 0) {
      Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    } else {
      Write(fd, "HTTP/1.1 200 OK\r\nDocker-Content-Digest: " + other +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  });
  RegistryOptions options;
  options.credentials = [](const std::string&) { return Credentials{}; };
  RegistryClient client(server.host(), options);
  try {
    client.GetManifest("app", "1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("digest mismatch: expected " + other), std::string::npos)
        << e.what();
  }
}

TEST(RegistryClientTest, RetriesAfter503ThenGivesUpNamingTheRegistry) {
  FakeServer server([&](int fd, const std::string& head) {
    if (head.rfind("GET /v2/ ", 0) == 0)
      Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    else
      Write(fd, "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n");
  });
  RegistryOptions options;
  options.credentials = [](const std::string&) { return Credentials{}; };
  RegistryClient client(server.host(), options);
  try {
    client.HeadManifest("app", "1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "registry " + server.host() + ": HTTP 503 after 4 attempts");
  }
  int heads = 0;
  for (const auto& h : server.heads) heads += h.rfind("HEAD /v2/app/manifests/1 ", 0) == 0;
  EXPECT_EQ(heads, 4);
}

TEST(RegistryClientTest, CredentialsStayOffAnotherHostAfterARedirect) {
  // 127.0.0.1 redirects to localhost (another host name, the same server).
  std::string blob = "hello";
  std::string digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  FakeServer* self = nullptr;
  FakeServer server([&](int fd, const std::string& head) {
    if (head.rfind("GET /v2/ ", 0) == 0 && head.find("Authorization:") == std::string::npos) {
      Write(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n");
    } else if (head.rfind("GET /v2/app/blobs/", 0) == 0) {
      Write(fd, "HTTP/1.1 307 Elsewhere\r\nLocation: http://localhost:" +
                    self->host().substr(10) + "/storage/x\r\nContent-Length: 0\r\n\r\n");
    } else {
      Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\n" +
                    blob);
    }
  });
  self = &server;
  RegistryOptions options;
  options.credentials = [](const std::string&) { return Credentials{"u", "p", ""}; };
  RegistryClient client(server.host(), options);
  std::string dir = ::testing::TempDir() + "/ocimake-redirect-" + std::to_string(getpid());
  OciLayout layout = OciLayout::Create(dir);
  Descriptor d;
  d.media_type = "application/octet-stream";
  d.digest = Digest::Parse(digest);
  d.size = 5;
  client.PullBlob("app", d, layout);
  EXPECT_TRUE(layout.VerifyBlob(d));
  bool saw_storage = false;
  for (const auto& h : server.heads) {
    if (h.rfind("GET /storage/", 0) == 0) {
      saw_storage = true;
      EXPECT_EQ(h.find("Authorization:"), std::string::npos) << h;
    }
    if (h.rfind("GET /v2/app/blobs/", 0) == 0) {
      EXPECT_NE(h.find("Authorization: Basic"), std::string::npos) << h;
    }
  }
  EXPECT_TRUE(saw_storage);
  RemoveTree(dir);
}

}  // namespace
}  // namespace ocimake
