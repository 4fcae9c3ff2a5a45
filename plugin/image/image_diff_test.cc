#include "image/image_diff.h"

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"
#include "layer/layer_entries.h"
#include "layer/layer_writer.h"

namespace ocimake {
namespace {

using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

// A layer tar of the tree `dir` as ocimake writes one, into `tar`.
std::string LayerOf(const std::string& dir, const std::string& tar, int64_t mtime = 0) {
  std::string bytes;
  LayerOptions o;
  o.mtime = mtime;
  WriteLayerTar(CompleteAndSort(EntriesFromTree(dir)), o,
                [&](const char* p, size_t n) { bytes.append(p, n); });
  WriteFileAtomic(tar, bytes);
  return tar;
}

// Two trees `a` and `b` holding the same files, for a test to change one.
struct TwoTrees {
  ScratchDir tmp;
  TwoTrees() {
    for (std::string side : {"a/", "b/"}) {
      WriteTestFile(tmp / (side + "usr/local/bin/app"), "program", 0755);
      WriteTestFile(tmp / (side + "etc/app.conf"), "x=1\n");
      MakeSymlink("app", tmp / (side + "usr/local/bin/app-link"));
    }
  }
  std::optional<std::string> Diff(int64_t mtime_b = 0) {
    return LayerTarDifference(LayerOf(tmp / "a", tmp / "a.tar"),
                              LayerOf(tmp / "b", tmp / "b.tar", mtime_b));
  }
};

TEST(ImageDiffTest, SameTreesHaveNoDifference) {
  TwoTrees t;
  EXPECT_EQ(t.Diff(), std::nullopt);
}

TEST(ImageDiffTest, NamesTheFileWhoseContentDiffers) {
  TwoTrees t;
  WriteTestFile(t.tmp / "b/usr/local/bin/app", "PROGRAM", 0755);
  std::string d = t.Diff().value_or("(none)");
  EXPECT_EQ(d.rfind("usr/local/bin/app: content differs (sha256:", 0), 0u) << d;
}

TEST(ImageDiffTest, NamesModeLinkMtimeAndMissingEntries) {
  {
    TwoTrees t;
    WriteTestFile(t.tmp / "b/etc/app.conf", "x=1\n", 0755);
    EXPECT_EQ(t.Diff().value_or(""), "etc/app.conf: mode differs (0644 vs 0755)");
  }
  {
    TwoTrees t;
    RemoveTree(t.tmp / "b/usr/local/bin/app-link");
    MakeSymlink("elsewhere", t.tmp / "b/usr/local/bin/app-link");
    EXPECT_EQ(t.Diff().value_or(""),
              "usr/local/bin/app-link: link target differs (app vs elsewhere)");
  }
  {
    TwoTrees t;
    EXPECT_EQ(t.Diff(981173106).value_or(""), "etc: mtime differs (0 vs 981173106)");
  }
  {
    TwoTrees t;
    WriteTestFile(t.tmp / "b/etc/extra", "");
    EXPECT_EQ(t.Diff().value_or(""), "etc/extra: only in B");
  }
}

TEST(ImageDiffTest, JsonDifferenceNamesTheFirstField) {
  EXPECT_EQ(JsonDifference(R"({"a":1,"b":{"c":[1,2]}})", R"({"b":{"c":[1,2]},"a":1})"),
            std::nullopt);
  EXPECT_EQ(JsonDifference(R"({"config":{"Env":["A=1","B=2"]}})",
                           R"({"config":{"Env":["A=1","B=3"]}})")
                .value_or(""),
            R"(.config.Env[1] differs ("B=2" vs "B=3"))");
  EXPECT_EQ(JsonDifference(R"({"a":1})", R"({"a":1,"z":2})").value_or(""), ".z only in B");
  EXPECT_EQ(JsonDifference(R"({"l":[1]})", R"({"l":[1,2]})").value_or(""),
            ".l has 1 vs 2 items");
  EXPECT_EQ(JsonDifference(R"({"rootfs":{"diff_ids":["x"]},"os":"linux"})",
                           R"({"rootfs":{"diff_ids":["y"]},"os":"linux"})", {".rootfs.diff_ids"}),
            std::nullopt);
}

}  // namespace
}  // namespace ocimake
