#include "layer/layer_split.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

SplitEntry File(const std::string& path, uint64_t bytes) {
  SplitEntry e;
  e.regular = true;
  e.tar_bytes = bytes;
  e.cut_point = IsCutPoint(path);
  e.line = Digest::Of(path + std::to_string(bytes));
  return e;
}

// `n` files of `bytes` each, named f00000, f00001, ...
std::vector<SplitEntry> Files(size_t n, uint64_t bytes) {
  std::vector<SplitEntry> out;
  for (size_t i = 0; i < n; ++i) out.push_back(File(fmt::format("f{:05}", i), bytes));
  return out;
}

std::set<std::string> Keys(const std::vector<LayerPart>& parts) {
  std::set<std::string> keys;
  for (const auto& p : parts) keys.insert(p.key);
  return keys;
}

TEST(LayerSplitTest, ATreeBelowTheSplitSizeIsOneLayer) {
  EXPECT_TRUE(SplitParts(Files(100, 1000), 200000, "gzip").empty());
  EXPECT_EQ(SplitParts(Files(100, 1000), 100000, "gzip").size() > 1, true);
}

TEST(LayerSplitTest, ASplitSizeBelowTheMinimumIsAnError) {
  EXPECT_THROW(SplitParts(Files(10, 1000), 1, "gzip"), Error);
  EXPECT_THROW(SplitParts(Files(10, 1000), kMinSplitSize - 1, "gzip"), Error);
}

TEST(LayerSplitTest, PartsCoverEveryEntryOnceInOrder) {
  std::vector<SplitEntry> entries = Files(500, 1000);
  std::vector<LayerPart> parts = SplitParts(entries, 100000, "gzip");
  ASSERT_GT(parts.size(), 4u);
  size_t next = 0;
  for (const auto& p : parts) {
    EXPECT_EQ(p.begin, next);
    EXPECT_GT(p.end, p.begin);
    EXPECT_LE(p.bytes, 100000u);
    next = p.end;
  }
  EXPECT_EQ(next, entries.size());
}

TEST(LayerSplitTest, ABigFileIsAPartOfItsOwn) {
  std::vector<SplitEntry> entries = Files(100, 1000);
  entries.insert(entries.begin() + 50, File("f00049-big", 300000));
  std::vector<LayerPart> parts = SplitParts(entries, 400000, "gzip");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1].begin, 50u);
  EXPECT_EQ(parts[1].end, 51u);
  EXPECT_EQ(parts[1].bytes, 300000u);
}

// An added file changes the key of its own part, and at most the next
// one's (the cut points come from paths, not from running byte counts).
TEST(LayerSplitTest, AnAddedFileChangesOnlyThePartsAroundIt) {
  std::vector<SplitEntry> before = Files(6000, 1000), after = before;
  after.insert(after.begin() + 3000, File("f02999-new", 1000));
  std::set<std::string> a = Keys(SplitParts(before, 100000, "gzip"));
  std::set<std::string> b = Keys(SplitParts(after, 100000, "gzip"));
  size_t shared = 0;
  for (const auto& k : a) shared += b.count(k);
  EXPECT_GE(a.size(), 20u);
  EXPECT_GE(shared + 2, a.size());
  EXPECT_LT(shared, a.size());
}

TEST(LayerSplitTest, TheKeysDependOnContentAndOptions) {
  std::vector<SplitEntry> entries = Files(2000, 1000);
  std::vector<LayerPart> gzip = SplitParts(entries, 100000, "gzip");
  EXPECT_EQ(Keys(gzip), Keys(SplitParts(entries, 100000, "gzip")));
  std::set<std::string> zstd = Keys(SplitParts(entries, 100000, "zstd"));
  for (const auto& k : Keys(gzip)) EXPECT_EQ(zstd.count(k), 0u);
  entries[0].line = Digest::Of("edited");
  std::set<std::string> edited = Keys(SplitParts(entries, 100000, "gzip"));
  EXPECT_EQ(edited.count(gzip[0].key), 0u);
  EXPECT_EQ(edited.count(gzip[1].key), 1u);
}

TEST(LayerSplitTest, ThePartCountIsBounded) {
  std::vector<LayerPart> parts = SplitParts(Files(20000, 1000), 10000, "gzip");
  EXPECT_LE(parts.size(), kMaxLayerParts);
  EXPECT_GT(parts.size(), kMaxLayerParts / 4);
}

// The parts of a real tree stream every entry once, each after the
// directories above its first entry.
TEST(LayerSplitTest, PartStreamsCoverTheTree) {
  ScratchDir dir;
  for (int d = 0; d < 3; ++d)
    for (int f = 0; f < 40; ++f)
      WriteTestFile(dir / fmt::format("tree/d{}/sub/f{:02}", d, f), std::string(500, 'x'));
  FileDigestCache digests(dir / "digests");
  bool hardlinked = true;
  std::vector<SplitEntry> entries = ReadSplitEntries(dir / "tree", digests, &hardlinked);
  EXPECT_FALSE(hardlinked);
  std::vector<LayerPart> parts = SplitParts(entries, 8000, "gzip");
  ASSERT_GT(parts.size(), 2u);
  std::vector<std::string> all, joined;
  WalkTreeSorted(dir / "tree", [&](const LayerEntry& e) { all.push_back(e.path); });
  for (const auto& p : parts) {
    std::vector<std::string> paths;
    PartStream(dir / "tree", p)([&](const LayerEntry& e) { paths.push_back(e.path); });
    size_t ancestors = paths.size() - (p.end - p.begin);
    for (size_t i = 0; i < ancestors; ++i)
      EXPECT_EQ(all[p.begin].rfind(paths[i] + "/", 0), 0u) << paths[i];
    joined.insert(joined.end(), paths.begin() + ancestors, paths.end());
  }
  EXPECT_EQ(joined, all);
}

}  // namespace
}  // namespace ocimake
