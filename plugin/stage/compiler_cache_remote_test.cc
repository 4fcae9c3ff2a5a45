#include "stage/compiler_cache_remote.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "base/fs_util.h"
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

// http://: inside, the same port on the sandbox's own 127.0.0.1, where
// --forward-tcp listens.
TEST(CompilerCacheRemoteTest, ParsesHttp) {
  CompilerCacheRemote r = ParseCompilerCacheRemote("http://u:pw@cache.internal/ccache|layout=flat");
  EXPECT_TRUE(r.http);
  EXPECT_EQ(r.host, "cache.internal");
  EXPECT_EQ(r.port, 80);
  EXPECT_EQ(r.path, "/ccache");
  EXPECT_EQ(SandboxStorageUrl(r), "http://u:pw@127.0.0.1:80/ccache|layout=flat");
  r = ParseCompilerCacheRemote("http://10.1.2.3:8080");
  EXPECT_EQ(r.port, 8080);
  EXPECT_EQ(SandboxStorageUrl(r), "http://127.0.0.1:8080");
  CompilerCacheAccess access("http://127.0.0.1:8080/c");
  EXPECT_EQ(access.forward_port(), 8080);
  EXPECT_EQ(access.binds().size(), 2u);
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
  // The cache directory's own settings stay; its remote_storage goes.
  EXPECT_EQ(CompilerCacheConfig(ParseCompilerCacheRemote("redis://h"),
                                "max_size = 10G\nremote_storage = file:/x\n# note\n")
                .substr(0, 23),
            "max_size = 10G\n# note\n#");
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
  e = error("https://u:hunter2@cache:8443/ccache");
  EXPECT_NE(e.find("https://u:***@cache:8443/ccache: ccache has no HTTPS storage"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
}

// redis://: the relay's socket and a 0600 configuration file in a private
// directory, both gone with the object.
TEST(CompilerCacheRemoteTest, AccessThroughTheRelay) {
  std::string dir;
  {
    CompilerCacheAccess access("redis://u:pw@127.0.0.1:1/2");
    ASSERT_EQ(access.binds().size(), 2u);
    const Bind& socket = access.binds()[0];
    const Bind& config = access.binds()[1];
    EXPECT_EQ(socket.target, "/run/ocimake/compiler-cache.sock");
    EXPECT_FALSE(socket.read_only);
    EXPECT_EQ(config.target, "/run/ocimake/compiler-cache.conf");
    EXPECT_TRUE(config.read_only);
    dir = DirName(config.source);
    EXPECT_EQ(DirName(socket.source), dir);
    struct stat st;
    ASSERT_EQ(stat(socket.source.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    ASSERT_EQ(stat(config.source.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_NE(ReadFile(config.source)
                  .find("remote_storage = redis+unix://u:pw@localhost"
                        "/run/ocimake/compiler-cache.sock?db=2\n"),
              std::string::npos);
    ASSERT_EQ(access.env().size(), 1u);
    EXPECT_EQ(access.env()[0].first, "CCACHE_CONFIGPATH");
    EXPECT_EQ(access.env()[0].second, "/run/ocimake/compiler-cache.conf");
  }
  EXPECT_FALSE(PathExists(dir));
}

// redis+unix: the server's socket bound in as it is when it takes a
// connection; when not, one warning and no remote at all.
TEST(CompilerCacheRemoteTest, AccessThroughTheServersSocket) {
  testing::ScratchDir dir;
  std::string path = dir / "redis.sock";
  ::testing::internal::CaptureStderr();
  {
    CompilerCacheAccess access("redis+unix://pw@localhost" + path);
    EXPECT_TRUE(access.binds().empty());
    EXPECT_TRUE(access.env().empty());
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "ocimake: warning: compiler cache remote redis+unix://***@localhost" + path +
                " unreachable: No such file or directory; building without it\n");
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  CompilerCacheAccess access("redis+unix:" + path);
  ASSERT_EQ(access.binds().size(), 2u);
  EXPECT_EQ(access.binds()[0].source, path);
  EXPECT_EQ(access.binds()[0].target, "/run/ocimake/compiler-cache.sock");
  close(listener);
}

}  // namespace
}  // namespace ocimake
