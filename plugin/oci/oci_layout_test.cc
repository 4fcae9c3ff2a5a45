#include "oci/oci_layout.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "oci/oci_json.h"
#include "oci/oci_test_support.h"
#include "oci/oci_types.h"
#include "oci/ref_name.h"

namespace ocimake {
namespace {

using testing::ScratchDir;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    out.push_back(f.path().filename().string());
  return out;
}

std::vector<std::string> Tags(const OciLayout& layout) {
  std::vector<std::string> out;
  for (const auto& m : layout.ReadIndex().manifests) {
    out.push_back(RefNameText(m));
  }
  return out;
}

TEST(OciLayoutTest, CreateThenOpen) {
  ScratchDir tmp;
  EXPECT_FALSE(OciLayout::IsLayout(tmp / "l"));
  EXPECT_THROW(OciLayout::Open(tmp / "l"), Error);
  OciLayout::Create(tmp / "l");
  EXPECT_TRUE(OciLayout::IsLayout(tmp / "l"));
  EXPECT_EQ(ReadFile(tmp / "l/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  EXPECT_TRUE(OciLayout::Open(tmp / "l").ReadIndex().manifests.empty());
  MakeDirs(tmp / "plain");
  EXPECT_THROW(OciLayout::Open(tmp / "plain"), Error);
  WriteFileAtomic(tmp / "l/oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}");
  EXPECT_THROW(OciLayout::Open(tmp / "l"), Error) << "a layout of another major version";
  EXPECT_THROW(OciLayout::Create(tmp / "l"), Error) << "is not written into either";
}

TEST(OciLayoutTest, WriteBlobIsAtomicAndVerified) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor d = l.WriteBlob("content", media_type::kOciConfig);
  EXPECT_EQ(d.digest, Digest::Of("content"));
  EXPECT_EQ(d.size, 7);
  EXPECT_EQ(ReadFile(l.BlobPath(d.digest)), "content");
  EXPECT_EQ(FilesIn(tmp / "l/blobs/sha256"), std::vector<std::string>{d.digest.hex()})
      << "no temp file left beside the blob";
  {
    auto w = l.NewBlobWriter();
    w->Write("other", 5);
    EXPECT_THROW(w->Commit(media_type::kOciConfig, &d), Error) << "not the expected blob";
  }
  EXPECT_EQ(FilesIn(tmp / "l/blobs/sha256"), std::vector<std::string>{d.digest.hex()})
      << "a failed commit publishes nothing";
  EXPECT_TRUE(l.VerifyBlob(d));
  WriteFileAtomic(l.BlobPath(d.digest), "CONTENT");
  EXPECT_FALSE(l.VerifyBlob(d));
  try {
    l.ReadSmallBlob(d);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("digest mismatch"), std::string::npos) << e.what();
  }
}

TEST(OciLayoutTest, CopyRewritesACorruptBlob) {
  ScratchDir tmp;
  OciLayout src = OciLayout::Create(tmp / "src");
  OciLayout dst = OciLayout::Create(tmp / "dst");
  Descriptor d = src.WriteBlob("layer", media_type::kOciLayer);
  WriteFileAtomic(dst.BlobPath(d.digest), "LAYER");
  dst.CopyBlobFrom(src, d);
  EXPECT_EQ(ReadFile(dst.BlobPath(d.digest)), "layer");
}

TEST(OciLayoutTest, TagReplacesTheSameTag) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor a = l.WriteBlob("{\"a\":1}", media_type::kOciManifest);
  Descriptor b = l.WriteBlob("{\"b\":1}", media_type::kOciManifest);
  l.Tag(a, "app:1");
  l.Tag(a, "app:2");
  l.Tag(b, "app:1");
  EXPECT_EQ(Tags(l), (std::vector<std::string>{"docker.io/library/app:2",
                                                "docker.io/library/app:1"}));
  EXPECT_EQ(l.ReadIndex().manifests.back().digest, b.digest);
  EXPECT_EQ(l.ReadIndex().manifests.back().annotations,
            (std::map<std::string, std::string>{
                {kRefNameAnnotation, "1"}, {kImageNameAnnotation, "docker.io/library/app:1"}}));
  EXPECT_TRUE(l.HasBlob(a.digest)) << "without prune, nothing is removed";
}

TEST(OciLayoutTest, TagReplacesTheSameNameInTheOldForm) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor a = l.WriteBlob("{\"a\":1}", media_type::kOciManifest);
  Descriptor b = l.WriteBlob("{\"b\":1}", media_type::kOciManifest);
  l.UpdateIndex([&](Index* index) {  // as an earlier ocimake wrote it
    Descriptor old = a;
    old.annotations[kRefNameAnnotation] = "app:1";
    Descriptor other = a;
    other.annotations[kRefNameAnnotation] = "other:1";
    index->manifests = {old, other};
  });
  l.Tag(b, "docker.io/library/app:1");
  EXPECT_EQ(Tags(l), (std::vector<std::string>{"docker.io/library/other:1",
                                                "docker.io/library/app:1"}));
  EXPECT_EQ(l.ReadIndex().manifests.back().digest, b.digest);
}

TEST(OciLayoutTest, ExclusiveTagPrunesUnreachableBlobs) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor old_config = l.WriteBlob("{}", media_type::kOciConfig);
  Manifest m;
  m.config = old_config;
  Descriptor old = l.WriteBlob(ToJson(m), media_type::kOciManifest);
  l.Tag(old, "app");
  Manifest n;
  n.config = l.WriteBlob("{\"new\":1}", media_type::kOciConfig);
  Descriptor now = l.WriteBlob(ToJson(n), media_type::kOciManifest);
  l.Tag(now, "app", /*exclusive=*/true);
  EXPECT_EQ(Tags(l), std::vector<std::string>{"app"});
  EXPECT_TRUE(l.HasBlob(now.digest));
  EXPECT_TRUE(l.HasBlob(n.config.digest));
  EXPECT_FALSE(l.HasBlob(old.digest));
  EXPECT_FALSE(l.HasBlob(old_config.digest));
}

// Another process writing into the layout (a blob written, not yet tagged)
// holds the writers' lock: an exclusive tag then prunes nothing, and prunes
// as usual once that process is gone.
TEST(OciLayoutTest, PruneSkipsWhileAnotherProcessWrites) {
  ScratchDir tmp;
  std::string dir = tmp / "l";
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the other writer: a blob, then wait to be released
    OciLayout::Create(dir).WriteBlob("the other writer's", media_type::kOciConfig);
    char c = 1;
    if (write(ready[1], &c, 1) != 1 || read(release[0], &c, 1) != 1) _exit(1);
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  OciLayout l = OciLayout::Open(dir);
  Descriptor theirs = testing::BlobDescriptor("the other writer's", media_type::kOciConfig);
  Manifest m;
  m.config = l.WriteBlob("{\"mine\":1}", media_type::kOciConfig);
  Descriptor mine = l.WriteBlob(ToJson(m), media_type::kOciManifest);
  Descriptor stray = l.WriteBlob("a leftover", media_type::kOciConfig);
  l.Tag(mine, "app", /*exclusive=*/true);
  EXPECT_TRUE(l.HasBlob(theirs.digest)) << "pruned while another process writes";
  EXPECT_TRUE(l.HasBlob(stray.digest));
  ASSERT_EQ(write(release[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  l.Tag(mine, "app", /*exclusive=*/true);
  EXPECT_FALSE(l.HasBlob(theirs.digest));
  EXPECT_FALSE(l.HasBlob(stray.digest));
  EXPECT_TRUE(l.HasBlob(mine.digest));
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

}  // namespace
// PruneEntries (ocimake cache prune): the selected images untagged and
// their blobs that no other image keeps removed; nothing at all while
// another process holds the writers' lock (a pull using the cache).
TEST(OciLayoutTest, PruneEntriesRemovesAnImageAndOnlyItsOwnBlobs) {
  ScratchDir tmp;
  std::string dir = tmp / "l";
  OciLayout::Create(dir);
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a reader of the cache: holds the lock until released
    OciLayout::Open(dir).HoldWritersLock();
    char c = 1;
    if (write(ready[1], &c, 1) != 1 || read(release[0], &c, 1) != 1) _exit(1);
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  OciLayout l = OciLayout::Open(dir);
  Descriptor shared = l.WriteBlob("{}", media_type::kOciConfig);
  Manifest a, b;
  a.config = b.config = shared;
  a.layers = {l.WriteBlob("a's layer", media_type::kOciLayer)};
  Descriptor ma = l.Tag(l.WriteBlob(ToJson(a), media_type::kOciManifest), "a");
  Descriptor mb = l.Tag(l.WriteBlob(ToJson(b), media_type::kOciManifest), "b");
  auto drop_a = [&](const Descriptor& d) { return d.digest == ma.digest; };
  EXPECT_FALSE(l.PruneEntries(drop_a)) << "pruned while another process uses the layout";
  EXPECT_EQ(Tags(l), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(write(release[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(l.PruneEntries(drop_a));
  EXPECT_EQ(Tags(l), std::vector<std::string>{"b"});
  EXPECT_FALSE(l.HasBlob(ma.digest));
  EXPECT_FALSE(l.HasBlob(a.layers[0].digest));
  EXPECT_TRUE(l.HasBlob(shared.digest));
  EXPECT_TRUE(l.HasBlob(mb.digest));
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

}  // namespace ocimake
