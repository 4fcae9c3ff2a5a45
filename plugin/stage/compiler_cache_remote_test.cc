#include "stage/compiler_cache_remote.h"

#include <gtest/gtest.h>

#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;

TEST(CompilerCacheRemoteTest, ParsesRedisOverTcp) {
  CompilerCacheRemote r = ParseCompilerCacheRemote("redis://cache.internal");
  EXPECT_FALSE(r.unix_socket);
  EXPECT_EQ(r.host, "cache.internal");
  EXPECT_EQ(r.port, 6379);
  EXPECT_EQ(r.userinfo, "");
  EXPECT_EQ(r.db, "");

  r = ParseCompilerCacheRemote("redis://ci:p%40ss@10.0.0.7:6380/2|connect-timeout=50");
  EXPECT_EQ(r.userinfo, "ci:p%40ss");
  EXPECT_EQ(r.host, "10.0.0.7");
  EXPECT_EQ(r.port, 6380);
  EXPECT_EQ(r.db, "2");
  EXPECT_EQ(r.attributes, "|connect-timeout=50");

  r = ParseCompilerCacheRemote("redis://[::1]:7000");
  EXPECT_EQ(r.host, "::1");
  EXPECT_EQ(r.port, 7000);
}

TEST(CompilerCacheRemoteTest, ParsesRedisOverUnixSockets) {
  CompilerCacheRemote r = ParseCompilerCacheRemote("redis+unix:/run/redis.sock");
  EXPECT_TRUE(r.unix_socket);
  EXPECT_EQ(r.socket_path, "/run/redis.sock");

  r = ParseCompilerCacheRemote("redis+unix:///run/redis.sock?db=3");
  EXPECT_EQ(r.socket_path, "/run/redis.sock");
  EXPECT_EQ(r.db, "3");

  r = ParseCompilerCacheRemote("redis+unix://secret@localhost/run/redis.sock|read-only");
  EXPECT_EQ(r.userinfo, "secret");
  EXPECT_EQ(r.socket_path, "/run/redis.sock");
  EXPECT_EQ(r.attributes, "|read-only");
}

// Inside the sandbox: the same credentials, database and attributes, through
// the bound socket.
TEST(CompilerCacheRemoteTest, SandboxUrlGoesThroughTheBoundSocket) {
  EXPECT_EQ(SandboxStorageUrl(ParseCompilerCacheRemote("redis://cache:6380")),
            "redis+unix:///run/ocimake/compiler-cache.sock");
  EXPECT_EQ(SandboxStorageUrl(ParseCompilerCacheRemote("redis://u:pw@cache/1|read-only")),
            "redis+unix://u:pw@localhost/run/ocimake/compiler-cache.sock?db=1|read-only");
  EXPECT_EQ(SandboxStorageUrl(ParseCompilerCacheRemote("redis+unix://pw@localhost/x.sock?db=4")),
            "redis+unix://pw@localhost/run/ocimake/compiler-cache.sock?db=4");
  EXPECT_EQ(CompilerCacheConfig(ParseCompilerCacheRemote("redis://h")).substr(0, 1), "#");
  EXPECT_NE(CompilerCacheConfig(ParseCompilerCacheRemote("redis://h"))
                .find("\nremote_storage = redis+unix:///run/ocimake/compiler-cache.sock\n"),
            std::string::npos);
}

TEST(CompilerCacheRemoteTest, RedactsPasswordsAndTokens) {
  EXPECT_EQ(RedactUrl("redis://user:pw@host:6379"), "redis://user:***@host:6379");
  EXPECT_EQ(RedactUrl("redis://pw@host"), "redis://***@host");
  EXPECT_EQ(RedactUrl("redis://host:6379/0"), "redis://host:6379/0");
  EXPECT_EQ(RedactUrl("redis+unix://pw@localhost/run/r.sock"),
            "redis+unix://***@localhost/run/r.sock");
  EXPECT_EQ(RedactUrl("redis+unix:/run/r.sock"), "redis+unix:/run/r.sock");
  // A password holding '@' or '/', written raw: all of it hidden.
  EXPECT_EQ(RedactUrl("redis://u:a@b/c@host"), "redis://u:***@host");
  EXPECT_EQ(RedactUrl("http://h/c|bearer-token=tok|layout=flat"),
            "http://h/c|bearer-token=***|layout=flat");
}

// Bad URLs: one line naming the URL without its password and what was
// expected.
TEST(CompilerCacheRemoteTest, BadUrlsFailWithoutThePassword) {
  auto error = [](const std::string& url) {
    return ErrorOf([&] { ParseCompilerCacheRemote(url); });
  };
  std::string e = error("redis://u:hunter2@host:99999");
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  EXPECT_NE(e.find("OCIMAKE_COMPILER_CACHE_REMOTE redis://u:***@host:99999: port '99999' is not a "
                   "number from 1 to 65535; expected redis://"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  e = error("rediss://hunter2@host");
  EXPECT_NE(e.find("rediss://***@host: unknown scheme; expected"), std::string::npos) << e;
  e = error("redis://hunter2@");
  EXPECT_NE(e.find("no host"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  EXPECT_NE(error("redis://h/x").find("database 'x' is not a number"), std::string::npos);
  EXPECT_NE(error("redis+unix:run/r.sock").find("the socket path must be absolute"),
            std::string::npos);
  EXPECT_NE(error("redis+unix://pw@cache/r.sock").find("must be localhost or empty"),
            std::string::npos);
  EXPECT_NE(error("redis://a redis://b").find("one URL without spaces"), std::string::npos);
  EXPECT_NE(error("redis://cache-*.example.com|shards=a,b").find("shards"), std::string::npos);
  e = error("http://u:hunter2@cache:8080/ccache");
  EXPECT_NE(e.find("http://u:***@cache:8080/ccache: ccache's HTTP storage is not supported yet"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
}

}  // namespace
}  // namespace ocimake
