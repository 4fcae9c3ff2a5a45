#include "layer/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

std::string TarOf(const std::string& dir, int64_t mtime = 0) {
  std::string out;
  LayerOptions o;
  o.mtime = mtime;
  WriteLayerTar(CompleteAndSort(EntriesFromTree(dir)), o,
                [&](const char* p, size_t n) { out.append(p, n); });
  return out;
}

struct TarEntry {
  std::string path, link, hardlink;
  int mode;
  int64_t uid, gid, mtime, size;
  std::string uname;
};

std::vector<TarEntry> ListTar(const std::string& bytes) {
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_memory(a, bytes.data(), bytes.size()), ARCHIVE_OK);
  std::vector<TarEntry> out;
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry t;
    t.path = archive_entry_pathname(e);
    t.link = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
    t.hardlink = archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "";
    t.mode = archive_entry_mode(e);
    t.uid = archive_entry_uid(e);
    t.gid = archive_entry_gid(e);
    t.mtime = archive_entry_mtime(e);
    t.size = archive_entry_size(e);
    t.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    out.push_back(t);
  }
  archive_read_free(a);
  return out;
}

// The same tree made twice with different creation order, times and
// permissions noise gives byte-identical tars.
// The walk of a tree: every entry once, each directory before what it
// holds, a symlink to a directory not descended into, sources beside the
// paths however the tree's path was written; a control character in a
// name is refused, naming the path.
TEST(EntriesFromTreeTest, ListsEveryEntryOnceWithoutFollowingLinks) {
  ScratchDir d;
  WriteTestFile(d / "t/a/b/c.txt", "c");
  WriteTestFile(d / "t/top", "");
  MakeSymlink("a", d / "t/link");
  for (std::string root : {d / "t", d / "t/"}) {
    std::vector<LayerEntry> entries = EntriesFromTree(root);
    std::vector<std::string> paths;
    for (const auto& e : entries) {
      paths.push_back(e.path);
      EXPECT_EQ(e.source, d / "t" + "/" + e.path);
    }
    auto at = [&](const std::string& p) { return std::find(paths.begin(), paths.end(), p) - paths.begin(); };
    EXPECT_LT(at("a"), at("a/b"));
    EXPECT_LT(at("a/b"), at("a/b/c.txt"));
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(paths, (std::vector<std::string>{"a", "a/b", "a/b/c.txt", "link", "top"}));
  }
  WriteTestFile(d / "t/a/bad\nname", "");
  EXPECT_THROW(EntriesFromTree(d / "t"), Error);
  EXPECT_THROW(EntriesFromTree(d / "missing"), Error);
}

TEST(LayerWriterTest, ByteIdenticalAcrossCreationOrderTimesAndUmask) {
  ScratchDir a, b;
  WriteTestFile(a / "usr/bin/app", "binary", 0755);
  WriteTestFile(a / "etc/app.conf", "conf", 0600);
  MakeSymlink("app", a / "usr/bin/app-link");
  WriteTestFile(b / "etc/app.conf", "conf", 0664);
  MakeSymlink("app", b / "usr/bin/app-link");
  WriteTestFile(b / "usr/bin/app", "binary", 0700);
  struct timespec times[2] = {{12345, 0}, {12345, 0}};
  utimensat(AT_FDCWD, (b / "etc/app.conf").c_str(), times, 0);
  EXPECT_EQ(TarOf(a.path()), TarOf(b.path()));
}

TEST(LayerWriterTest, NormalizesEveryEntry) {
  ScratchDir d;
  WriteTestFile(d / "usr/bin/app", "binary", 04775);
  WriteTestFile(d / "etc/data", "data", 0666);
  MakeSymlink("../bin/app", d / "usr/lib/alias");
  auto entries = ListTar(TarOf(d.path(), 1700000000));
  std::vector<std::string> paths;
  for (const auto& e : entries) {
    paths.push_back(e.path);
    EXPECT_EQ(e.uid, 0);
    EXPECT_EQ(e.gid, 0);
    EXPECT_EQ(e.uname, "");
    EXPECT_EQ(e.mtime, 1700000000);
    if (e.path == "usr/bin/app") {
      EXPECT_EQ(e.mode, S_IFREG | 0755) << "setuid dropped";
    }
    if (e.path == "etc/data") {
      EXPECT_EQ(e.mode, S_IFREG | 0644);
    }
    if (e.path == "usr/lib/alias") {
      EXPECT_EQ(e.link, "../bin/app") << "target verbatim";
    }
    if (e.path == "usr/") {
      EXPECT_EQ(e.mode, S_IFDIR | 0755);
    }
  }
  // Sorted by path bytes, parents first.
  EXPECT_EQ(paths, (std::vector<std::string>{"etc/", "etc/data", "usr/", "usr/bin/",
                                             "usr/bin/app", "usr/lib/", "usr/lib/alias"}));
}

TEST(LayerWriterTest, KeepsHardlinks) {
  ScratchDir d;
  WriteTestFile(d / "a", "same bytes", 0644);
  ASSERT_EQ(link((d / "a").c_str(), (d / "b").c_str()), 0);
  auto entries = ListTar(TarOf(d.path()));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].size, 10);
  EXPECT_EQ(entries[1].hardlink, "a");
}

TEST(LayerWriterTest, EntriesFileMapsSourcesToDestinations) {
  ScratchDir d;
  WriteTestFile(d / "src/lib.so", "lib");
  WriteTestFile(d / "list.txt", "# comment\nusr/lib/lib.so\t" + (d / "src/lib.so") + "\n");
  auto entries = CompleteAndSort(EntriesFromListFile(d / "list.txt"));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].path, "usr/lib/lib.so");
  WriteTestFile(d / "bad.txt", "no tab here\n");
  EXPECT_THROW(EntriesFromListFile(d / "bad.txt"), Error);
  WriteTestFile(d / "up.txt", "../escape\t/etc/passwd\n");
  EXPECT_THROW(EntriesFromListFile(d / "up.txt"), Error);
}

TEST(LayerWriterTest, BlobDigestsAreStableAndDiffIdIsTheTarDigest) {
  ScratchDir d, out1, out2;
  WriteTestFile(d / "tree/usr/bin/app", std::string(3 << 20, 'x'), 0755);
  auto entries = CompleteAndSort(EntriesFromTree(d / "tree"));
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    LayerOptions o;
    o.compression = c;
    OciLayout l1 = OciLayout::Create(out1.path()), l2 = OciLayout::Create(out2.path());
    LayerDescriptor a = WriteLayerBlob(entries, o, l1);
    LayerDescriptor b = WriteLayerBlob(entries, o, l2);
    EXPECT_EQ(a.descriptor.digest, b.descriptor.digest) << CompressionName(c);
    EXPECT_EQ(a.diff_id, Digest::Of(TarOf(d / "tree"))) << CompressionName(c);
    EXPECT_TRUE(l1.VerifyBlob(a.descriptor));
    if (c == Compression::kNone) {
      EXPECT_EQ(a.descriptor.digest, a.diff_id);
    }
    EXPECT_EQ(a.descriptor.media_type, LayerMediaType(c));
  }
}

// The streamed walk (one directory at a time) visits what the sorted list
// holds, in its order, and the tar has the same bytes: names that sort
// before '/' ("a-b", "a.c", "a b") between "a" and "a/...", a symlink to a
// directory not descended into, hardlinks, a deep chain.
TEST(LayerWriterTest, StreamedWalkMatchesTheSortedList) {
  ScratchDir d;
  std::string t = d / "tree";
  for (const char* f : {"a/x", "a/y/z", "a-b", "a.c", "a b/q", "a0", "B", "b/c/d/e", "Z-", "a/.h",
                        "\xff", "é/f", "x/x/x/x/x/x/x/x/x/x/x/deep"})
    WriteTestFile(t + "/" + f, f);
  MakeDirs(t + "/empty/inner");
  MakeSymlink("a", t + "/alink");
  MakeSymlink("a/x", t + "/a/ylink");
  ASSERT_EQ(link((t + "/a/x").c_str(), (t + "/b/hard").c_str()), 0);
  std::vector<LayerEntry> sorted = CompleteAndSort(EntriesFromTree(t));
  std::vector<std::string> walked;
  WalkTreeSorted(t, [&](const LayerEntry& e) { walked.push_back(e.path + "\t" + e.source); });
  std::vector<std::string> listed;
  for (const auto& e : sorted) listed.push_back(e.path + "\t" + e.source);
  EXPECT_EQ(walked, listed);
  ASSERT_GT(listed.size(), 30u);
  std::string streamed;
  WriteLayerTar(TreeStream(t), {}, [&](const char* p, size_t n) { streamed.append(p, n); });
  EXPECT_EQ(Digest::Of(streamed), Digest::Of(TarOf(t)));
  EXPECT_THROW(WalkTreeSorted(d / "missing", [](const LayerEntry&) {}), Error);
}

TEST(LayerWriterTest, RejectsDuplicatePathsFromDifferentSources) {
  EXPECT_THROW(CompleteAndSort({{"a", "/x"}, {"a", "/y"}}), Error);
}

}  // namespace
}  // namespace ocimake
