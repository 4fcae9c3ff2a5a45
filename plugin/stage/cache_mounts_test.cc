#include "stage/cache_mounts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CacheMountTest, DefaultPathIsUnderOcimakeCache) {
  CacheMount m = ParseCacheMount("ccache");
  EXPECT_EQ(m.id, "ccache");
  EXPECT_EQ(m.target, "/ocimake/cache/ccache");
  m = ParseCacheMount("cargo=/root/.cargo/registry");
  EXPECT_EQ(m.id, "cargo");
  EXPECT_EQ(m.target, "/root/.cargo/registry");
}

TEST(CacheMountTest, BadIdsAndPathsFailInOneLine) {
  for (const char* bad : {"", "a/b", "..", "a b=/x", "=/x"})
    EXPECT_TRUE(Has(ErrorOf([&] { ParseCacheMount(bad); }), "the id must be")) << bad;
  for (const char* bad : {"a=rel", "a=/x/../y", "a=/x/", "a=//x", "a="})
    EXPECT_TRUE(Has(ErrorOf([&] { ParseCacheMount(bad); }), "absolute and normal")) << bad;
  for (const char* bad : {"a=/src", "a=/build/x", "a=/ocimake/stage", "a=/ocimake", "a=/",
                          "a=/run", "a=/tmp/c", "a=/proc"}) {
    std::string error = ErrorOf([&] { ParseCacheMount(bad); });
    EXPECT_TRUE(Has(error, "is used by the build stage itself") || Has(error, "absolute"))
        << bad << ": " << error;
    EXPECT_FALSE(Has(error, "\n")) << error;
  }
}

TEST(CacheMountTest, ToolchainKeyIsTheCacheEntryOrAPathDigest) {
  EXPECT_EQ(ToolchainCacheKey("/c/toolchains/0123abcd/rootfs", "/c"), "0123abcd");
  EXPECT_EQ(ToolchainCacheKey("/c/toolchains/0123abcd/rootfs", "/c/"), "0123abcd");
  std::string other = ToolchainCacheKey("/srv/rootfs", "/c");
  EXPECT_EQ(other.size(), 16u);
  EXPECT_NE(other, ToolchainCacheKey("/srv/rootfs2", "/c"));
  EXPECT_EQ(ToolchainCacheKey("/d/toolchains/0123abcd/rootfs", "/c").size(), 16u);
}

TEST(CacheMountTest, CompilerCacheAddsItsMountUnlessNamed) {
  TempDir dir(TempParent(), "cache-mounts-");
  std::string cache = JoinPath(dir.path(), "cache");
  std::string rootfs = JoinPath(cache, "toolchains/k1/rootfs");
  auto mounts = CacheMounts({"deps"}, "ccache", rootfs, cache);
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[1].id, "ccache");
  EXPECT_EQ(mounts[1].target, "/ocimake/cache/ccache");
  EXPECT_EQ(mounts[1].host, JoinPath(cache, "mounts/k1/ccache"));
  EXPECT_EQ(mounts[0].host, JoinPath(cache, "mounts/k1/deps"));
  mounts = CacheMounts({"ccache=/root/.ccache"}, "ccache", rootfs, cache);
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].target, "/root/.ccache");
  EXPECT_TRUE(CacheMounts({}, "", rootfs, cache).empty());
  EXPECT_TRUE(Has(ErrorOf([&] { CacheMounts({"a", "a=/x"}, "", rootfs, cache); }), "twice"));
  EXPECT_TRUE(Has(ErrorOf([&] { CacheMounts({"a=/x", "b=/x"}, "", rootfs, cache); }), "twice"));
}

TEST(CacheMountTest, CcacheNeedsItInTheToolchain) {
  TempDir rootfs(TempParent(), "rootfs-");
  std::vector<CacheMount> mounts = {{"ccache", "/ocimake/cache/ccache", "/h"}};
  EXPECT_EQ(ErrorOf([&] { CompilerCache("ccache", rootfs.path(), "bookworm", mounts); }),
            "COMPILER_CACHE ccache: toolchain bookworm has no /usr/bin/ccache (add ccache to "
            "its PACKAGES)");
  EXPECT_EQ(ErrorOf([&] { CompilerCache("sccache", rootfs.path(), "b", mounts); }),
            "COMPILER_CACHE sccache: toolchain b has no /usr/bin/sccache (add sccache to its "
            "PACKAGES)");
  EXPECT_EQ(ErrorOf([&] { CompilerCache("distcc", rootfs.path(), "b", mounts); }),
            "COMPILER_CACHE distcc: expected ccache or sccache");
  MakeDirs(rootfs.path() + "/usr/bin");
  WriteFileAtomic(rootfs.path() + "/usr/bin/ccache", "");
  CompilerCacheSetup setup = CompilerCache("ccache", rootfs.path(), "bookworm", mounts);
  EXPECT_EQ(setup.configure_args,
            (std::vector<std::string>{"-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                                      "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"}));
  EXPECT_EQ(setup.env[0], (std::pair<std::string, std::string>{"CCACHE_DIR",
                                                               "/ocimake/cache/ccache"}));
  EXPECT_EQ(setup.kind, "ccache");
  EXPECT_TRUE(CompilerCache("", rootfs.path(), "bookworm", mounts).env.empty());
}

// sccache: its launcher, its directory the mount, its server started at
// the script's start and stopped at its end, its statistics after the build.
TEST(CacheMountTest, SccacheRunsItsServerInTheScript) {
  TempDir rootfs(TempParent(), "rootfs-");
  MakeDirs(rootfs.path() + "/usr/bin");
  WriteFileAtomic(rootfs.path() + "/usr/bin/sccache", "");
  std::vector<CacheMount> mounts = {{"sccache", "/ocimake/cache/sccache", "/h"}};
  CompilerCacheSetup setup = CompilerCache("sccache", rootfs.path(), "bookworm", mounts);
  EXPECT_EQ(setup.kind, "sccache");
  EXPECT_EQ(setup.configure_args,
            (std::vector<std::string>{"-DCMAKE_C_COMPILER_LAUNCHER=sccache",
                                      "-DCMAKE_CXX_COMPILER_LAUNCHER=sccache"}));
  EXPECT_EQ(setup.env[0], (std::pair<std::string, std::string>{"SCCACHE_DIR",
                                                               "/ocimake/cache/sccache"}));
  EXPECT_TRUE(Has(setup.script_start, "SCCACHE_START_SERVER=1 SCCACHE_NO_DAEMON=1 sccache "));
  EXPECT_TRUE(Has(setup.script_start, " 0100007F:1082 00000000:0000 0A "));  // 4226, listening
  EXPECT_TRUE(Has(setup.script_start, "sccache --stop-server"));
  EXPECT_TRUE(Has(setup.script_start, "trap sccache_stop EXIT"));
  EXPECT_TRUE(Has(setup.build_start, "sccache --zero-stats"));
  EXPECT_EQ(setup.build_end, "sccache --show-stats --stats-format json >" + setup.stats_file + "\n");
  auto has_env = [&](const std::string& name) {
    for (const auto& [key, value] : setup.env)
      if (key == name) return true;
    return false;
  };
  EXPECT_FALSE(has_env("SCCACHE_RECACHE"));
  setenv("OCIMAKE_COMPILER_CACHE_RECACHE", "1", 1);
  setup = CompilerCache("sccache", rootfs.path(), "bookworm", mounts);
  unsetenv("OCIMAKE_COMPILER_CACHE_RECACHE");
  EXPECT_TRUE(has_env("SCCACHE_RECACHE"));
}

// sccache 0.4's --show-stats --stats-format json, as it prints it; a forced
// recache (SCCACHE_RECACHE) counts as a miss there, as recached here.
TEST(CacheMountTest, SccacheStatsSummary) {
  std::string json =
      R"({"stats":{"compile_requests":6,"requests_unsupported_compiler":0,)"
      R"("requests_not_compile":0,"requests_not_cacheable":1,"requests_executed":5,)"
      R"("cache_errors":{"counts":{}},"cache_hits":{"counts":{"C/C++":3}},)"
      R"("cache_misses":{"counts":{"C/C++":2}},"cache_timeouts":0,"cache_read_errors":0,)"
      R"("non_cacheable_compilations":0,"forced_recaches":1,"cache_write_errors":0,)"
      R"("cache_writes":2,"not_cached":{},"dist_compiles":{},"dist_errors":0},)"
      R"("cache_location":"Local disk: \"/ocimake/cache/sccache\"","cache_size":487,)"
      R"("max_cache_size":10737418240})";
  EXPECT_EQ(CompilerCacheSummary(ReadSccacheStats(json), "sccache"),
            "compiler cache: 3 hits, 1 miss, 1 recached, 1 uncacheable (sccache)");
  std::string none = R"({"stats":{"compile_requests":0,"cache_hits":{"counts":{}},)"
                     R"("cache_misses":{"counts":{}},"forced_recaches":0}})";
  EXPECT_EQ(CompilerCacheSummary(ReadSccacheStats(none), "sccache"), "");
  EXPECT_TRUE(Has(ErrorOf([] { ReadSccacheStats("Compile requests 5"); }), "sccache's statistics"));
  EXPECT_TRUE(Has(ErrorOf([] { ReadSccacheStats(R"({"stats":{}})"); }),
                  "sccache's statistics: missing"));
}

TEST(CacheMountTest, StatsLogSummary) {
  std::string log =
      "# /src/a.cpp\ncache_miss\ndirect_cache_miss\nlocal_storage_miss\n"
      "# /src/b.cpp\ndirect_cache_hit\nlocal_storage_hit\n"
      "# /src/c.cpp\npreprocessed_cache_hit\n"
      "# /src/d.cpp\nunsupported_compiler_option\n";
  auto counters = ReadCcacheStatsLog(log);
  EXPECT_EQ(counters["cache_miss"], 1);
  EXPECT_EQ(CompilerCacheSummary(counters, "ccache"),
            "compiler cache: 2 hits, 1 miss, 1 uncacheable (ccache)");
  EXPECT_EQ(CompilerCacheSummary(ReadCcacheStatsLog(""), "ccache"), "");
  EXPECT_EQ(CompilerCacheSummary(ReadCcacheStatsLog("# /src/a.cpp\nlocal_storage_write\nrecache\n"),
                                 "ccache"),
            "compiler cache: 0 hits, 0 misses, 1 recached (ccache)");
}

// Hits from the remote storage and its errors are told apart.
TEST(CacheMountTest, StatsLogSummaryOfARemote) {
  std::string log =
      "# /src/a.cpp\ndirect_cache_hit\nlocal_storage_read_miss\nremote_storage_hit\n"
      "remote_storage_read_hit\nremote_storage_read_hit\n"
      "# /src/b.cpp\ncache_miss\nremote_storage_error\n";
  EXPECT_EQ(CompilerCacheSummary(ReadCcacheStatsLog(log), "ccache"),
            "compiler cache: 1 hit (1 from the remote), 1 miss, 1 remote storage error (ccache)");
}

}  // namespace
}  // namespace ocimake
