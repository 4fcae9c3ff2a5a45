#include "layer/layer_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestTar;

std::vector<LayerTarEntry> ReadAll(const std::string& tar, LayerReadPolicy policy = {}) {
  LayerReader reader(tar, "test.tar", policy);
  std::vector<LayerTarEntry> out;
  LayerTarEntry e;
  while (reader.Next(&e)) out.push_back(e);
  return out;
}

// The message of the Error reading `tar` throws; "" when it reads.
std::string ReadError(const std::string& tar, LayerReadPolicy policy = {}) {
  try {
    ReadAll(tar, policy);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LayerReaderTest, EntriesLinksAndWhiteouts) {
  ScratchDir tmp;
  WriteTestTar(tmp / "l.tar", {"d:./", "d:/a", "f:a/x:hello", "l:a/l:../x", "h:a/h:/a/x",
                               "f:a/.wh.gone:", "f:b/.wh..wh..opq:", "c:dev/null"});
  std::vector<LayerTarEntry> e = ReadAll(tmp / "l.tar");
  ASSERT_EQ(e.size(), 7u) << "the root entry is skipped";
  EXPECT_EQ(e[0].path, "a") << "absolute names are made relative";
  EXPECT_EQ(e[0].type, LayerTarEntry::kDir);
  EXPECT_EQ(e[1].path, "a/x");
  EXPECT_EQ(e[1].size, 5);
  EXPECT_EQ(ModeString(e[1]), "-rw-r--r--");
  EXPECT_EQ(e[2].type, LayerTarEntry::kSymlink);
  EXPECT_EQ(e[2].link, "../x") << "symlink targets are verbatim";
  EXPECT_EQ(e[3].type, LayerTarEntry::kHardlink);
  EXPECT_EQ(e[3].link, "a/x") << "hardlink targets are normalised";
  EXPECT_EQ(e[4].type, LayerTarEntry::kWhiteout);
  EXPECT_EQ(e[4].path, "a/gone");
  EXPECT_EQ(e[5].type, LayerTarEntry::kOpaque);
  EXPECT_EQ(e[5].path, "b");
  EXPECT_EQ(e[6].type, LayerTarEntry::kChar);
  EXPECT_STREQ(TypeName(e[6].type), "char");
}

TEST(LayerReaderTest, StreamsContent) {
  ScratchDir tmp;
  WriteTestTar(tmp / "l.tar.gz", {"f:a:first", "f:b:second"});
  LayerReader reader(tmp / "l.tar.gz", "l");
  LayerTarEntry e;
  std::vector<std::string> contents;
  while (reader.Next(&e)) {
    std::string content;
    reader.ReadContent([&](const char* p, size_t n) { content.append(p, n); });
    contents.push_back(content);
  }
  EXPECT_EQ(contents, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(reader.stats().entries, 2);
  EXPECT_EQ(reader.stats().content_bytes, 11);
}

TEST(LayerReaderTest, DotDotRejectedByEveryReader) {
  ScratchDir tmp;
  for (std::string name : {"../pwned", "a/../../x", "..", "a/.."}) {
    WriteTestTar(tmp / "l.tar", {"f:ok:1", "f:" + name + ":x"});
    EXPECT_NE(ReadError(tmp / "l.tar").find("'..' is not allowed"), std::string::npos) << name;
  }
  WriteTestTar(tmp / "h.tar", {"f:a:1", "h:b:../a"});
  EXPECT_NE(ReadError(tmp / "h.tar").find("'..' is not allowed"), std::string::npos);
}

TEST(LayerReaderTest, MalformedWhiteoutsFail) {
  ScratchDir tmp;
  for (std::string name : {".wh.", ".wh..", "etc/.wh..", "a/.wh..wh.x"}) {
    WriteTestTar(tmp / "l.tar", {"f:" + name + ":"});
    EXPECT_NE(ReadError(tmp / "l.tar").find("invalid whiteout"), std::string::npos) << name;
  }
}

TEST(LayerReaderTest, PolicySkipsDevicesDropsSetuidAndLimits) {
  ScratchDir tmp;
  WriteTestTar(tmp / "l.tar", {"c:dev/null", "s:su", "f:big:0123456789"});
  LayerReadPolicy p;
  p.skip_special = true;
  p.drop_setid = true;
  std::vector<LayerTarEntry> e = ReadAll(tmp / "l.tar", p);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].path, "su");
  EXPECT_EQ(e[0].mode, 0755u);
  EXPECT_EQ(ReadAll(tmp / "l.tar")[1].mode, 04755u) << "kept without the policy";
  p.max_bytes = 13;
  EXPECT_NE(ReadError(tmp / "l.tar", p).find("more than the limit of 13 bytes"),
            std::string::npos);
  p.max_bytes = 14;
  EXPECT_EQ(ReadError(tmp / "l.tar", p), "");
  p.bytes_before = 1;
  EXPECT_NE(ReadError(tmp / "l.tar", p), "") << "earlier layers count";
  LayerReadPolicy q;
  q.max_entries = 2;
  EXPECT_NE(ReadError(tmp / "l.tar", q).find("more than the limit of 2 entries"),
            std::string::npos);
}

TEST(LayerReaderTest, NotATar) {
  ScratchDir tmp;
  WriteFileAtomic(tmp / "x", std::string(1024, 'x'));
  EXPECT_NE(ReadError(tmp / "x").find("test.tar: "), std::string::npos);
}

TEST(LayerReaderTest, UncompressedDigestIsTheDiffId) {
  ScratchDir tmp;
  WriteTestTar(tmp / "l.tar", {"f:a:content"});
  WriteTestTar(tmp / "l.tar.gz", {"f:a:content"});
  uint64_t size = 0;
  Digest plain = UncompressedDigest(tmp / "l.tar", &size);
  EXPECT_EQ(plain, Digest::Of(ReadFile(tmp / "l.tar")));
  EXPECT_EQ(size, ReadFile(tmp / "l.tar").size());
  EXPECT_EQ(UncompressedDigest(tmp / "l.tar.gz"), plain);
}

}  // namespace
}  // namespace ocimake
