#include "stage/stage_filter.h"

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

TEST(StageFilterTest, DevelopmentKinds) {
  EXPECT_EQ(DevelopmentKind("/usr/local/include/zstd.h"), "header");
  EXPECT_EQ(DevelopmentKind("/usr/local/include/boost/optional"), "header");
  EXPECT_EQ(DevelopmentKind("/opt/x/detail/impl.ipp"), "header");
  EXPECT_EQ(DevelopmentKind("/usr/local/lib/libzstd.a"), "static library");
  EXPECT_EQ(DevelopmentKind("/usr/local/lib/pkgconfig/libzstd.pc"), "pkg-config file");
  EXPECT_EQ(DevelopmentKind("/usr/local/lib/cmake/zstd/zstdTargets-release.cmake"),
            "CMake package file");
  EXPECT_EQ(DevelopmentKind("/usr/local/share/foo/FooConfig.cmake"), "CMake package file");
  EXPECT_EQ(DevelopmentKind("/usr/local/share/man/man1/zstd.1"), "man page");
  EXPECT_EQ(DevelopmentKind("/usr/local/share/doc/zstd/README"), "doc file");
  EXPECT_EQ(DevelopmentKind("/usr/local/bin/zstd"), "");
  EXPECT_EQ(DevelopmentKind("/usr/local/lib/libzstd.so.1.5.4"), "");
  EXPECT_EQ(DevelopmentKind("/usr/local/share/app/config.json"), "");
  EXPECT_EQ(DevelopmentKind("/usr/local/share/app/plugin.cmake.txt"), "");
}

TEST(StageFilterTest, RemovesDevelopmentFilesAndTheDirectoriesTheyLeaveEmpty) {
  ScratchDir d;
  WriteTestFile(d / "usr/local/include/a/a.h", "");
  WriteTestFile(d / "usr/local/lib/liba.a", "");
  WriteTestFile(d / "usr/local/lib/liba.so.1", "");
  WriteTestFile(d / "usr/local/bin/a", "", 0755);
  MakeDirs(d / "var/lib/a");  // left empty by the install rules: stays
  FilterResult r = FilterStagedTree(d.path(), StageFilter{});
  ASSERT_EQ(r.development.size(), 2u);
  EXPECT_EQ(r.development[0].first, "/usr/local/include/a/a.h");
  EXPECT_EQ(r.development[1].second, "static library");
  EXPECT_FALSE(PathExists(d / "usr/local/include"));
  EXPECT_TRUE(PathExists(d / "usr/local/lib/liba.so.1"));
  EXPECT_TRUE(PathExists(d / "usr/local/bin/a"));
  EXPECT_TRUE(IsDirectory(d / "var/lib/a"));
  EXPECT_EQ(ExcludedSummary(r),
            "left out: 2 development files (1 header, 1 static library; e.g. "
            "/usr/local/include/a/a.h, /usr/local/lib/liba.a); KEEP_DEVELOPMENT_FILES ON keeps "
            "them");
}

TEST(StageFilterTest, KeepsDevelopmentFilesWhenAskedAndAppliesExcludeGlobs) {
  ScratchDir d;
  WriteTestFile(d / "usr/local/include/a.h", "");
  WriteTestFile(d / "usr/local/bin/a.debug", "");
  WriteTestFile(d / "usr/local/share/a/big/x.bin", "");
  WriteTestFile(d / "usr/local/share/a/small.txt", "");
  StageFilter f;
  f.keep_development_files = true;
  f.exclude = {"*.debug", "/usr/local/share/a/big"};
  FilterResult r = FilterStagedTree(d.path(), f);
  EXPECT_TRUE(r.development.empty());
  EXPECT_EQ(r.excluded,
            (std::vector<std::string>{"/usr/local/bin/a.debug", "/usr/local/share/a/big/x.bin"}));
  EXPECT_TRUE(PathExists(d / "usr/local/include/a.h"));
  EXPECT_TRUE(PathExists(d / "usr/local/share/a/small.txt"));
  EXPECT_FALSE(PathExists(d / "usr/local/share/a/big"));
  EXPECT_EQ(ExcludedSummary(r), "left out: 2 files matching EXCLUDE");
  EXPECT_EQ(ExcludedSummary(FilterResult{}), "");
}

}  // namespace
}  // namespace ocimake
