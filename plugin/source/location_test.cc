#include "source/location.h"

#include <gtest/gtest.h>

#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteTestFile;

// A scratch directory holding a layout directory "img" and a file "app.tar".
class LocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTestFile(dir_ / "img/index.json", "{}");
    WriteTestFile(dir_ / "app.tar", "");
  }
  ScratchDir dir_;
};

TEST_F(LocationTest, BareForms) {
  EXPECT_EQ(ParseSourceSpec("").kind, SourceSpec::kScratch);
  EXPECT_EQ(ParseSourceSpec("scratch").kind, SourceSpec::kScratch);
  SourceSpec s = ParseSourceSpec(dir_ / "img");
  EXPECT_EQ(s.kind, SourceSpec::kLayout);
  EXPECT_EQ(s.path, dir_ / "img");
  EXPECT_EQ(s.tag, "");
  s = ParseSourceSpec(dir_ / "img:hello:1.0");
  EXPECT_EQ(s.kind, SourceSpec::kLayout);
  EXPECT_EQ(s.path, dir_ / "img");
  EXPECT_EQ(s.tag, "hello:1.0") << "the tag keeps its own colon";
  s = ParseSourceSpec(dir_ / "app.tar");
  EXPECT_EQ(s.kind, SourceSpec::kArchive);
  EXPECT_EQ(s.format, "");
  s = ParseSourceSpec("127.0.0.1:5000/base:1.0");
  EXPECT_EQ(s.kind, SourceSpec::kRegistry);
  EXPECT_EQ(s.path, "127.0.0.1:5000/base:1.0");
}

TEST_F(LocationTest, BareFormErrors) {
  std::string missing = dir_ / "no-such-base";
  EXPECT_EQ(ErrorOf([&] { ParseSourceSpec(missing); }),
            "base " + missing + ": no such file or directory (expected scratch, an OCI layout "
            "directory[:tag], an oci-archive, a docker-archive or a registry reference "
            "host/repository[:tag][@digest])");
  EXPECT_NE(ErrorOf([&] { ParseSourceSpec(missing + ":tag"); }), "(no error)")
      << "no directory before any ':'";
}

TEST_F(LocationTest, LayoutTagSplits) {
  EXPECT_EQ(SplitLayoutTag(dir_ / "img"), std::make_pair(dir_ / "img", std::string()));
  EXPECT_EQ(SplitLayoutTag(dir_ / "img:hello:1.0"),
            std::make_pair(dir_ / "img", std::string("hello:1.0")));
  EXPECT_EQ(ErrorOf([&] { SplitLayoutTag(dir_ / "none:1"); }),
            dir_ / "none:1" + ": no such OCI layout directory (expected DIR or DIR:TAG)");
  auto [dir, tag] = SplitNewLayoutTag("build/new:hello:1.0");
  EXPECT_EQ(dir, "build/new");
  EXPECT_EQ(tag, std::optional<std::string>("hello:1.0"));
  EXPECT_EQ(SplitNewLayoutTag("build/new").second, std::nullopt);
  EXPECT_EQ(SplitNewLayoutTag("build/new:").second, std::optional<std::string>(""));
  EXPECT_EQ(SplitNewLayoutTag(":x").first, ":x") << "a leading ':' is part of the name";
}

TEST_F(LocationTest, TransportForms) {
  SourceSpec s = ParseTransportSpec("oci:build/img:hello:1.0");
  EXPECT_EQ(s.kind, SourceSpec::kLayout);
  EXPECT_EQ(s.path, "build/img") << "oci: splits at the first ':', the layout may not exist";
  EXPECT_EQ(s.tag, "hello:1.0");
  EXPECT_EQ(ParseTransportSpec("oci:build/img").tag, "");
  s = ParseTransportSpec("oci-archive:a.tar");
  EXPECT_EQ(s.kind, SourceSpec::kArchive);
  EXPECT_EQ(s.path, "a.tar");
  EXPECT_EQ(s.format, "oci-archive");
  EXPECT_EQ(ParseTransportSpec("docker-archive:b.tar").format, "docker-archive");
  s = ParseTransportSpec("docker://127.0.0.1:5000/hello:1.0");
  EXPECT_EQ(s.kind, SourceSpec::kRegistry);
  EXPECT_EQ(s.path, "127.0.0.1:5000/hello:1.0");
}

TEST_F(LocationTest, TransportErrors) {
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("build/img"); }),
            "'build/img': expected TRANSPORT:PATH (oci:DIR[:TAG], oci-archive:FILE, "
            "docker-archive:FILE, docker://REFERENCE)");
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("tar:x"); }),
            "'tar:x': unknown transport 'tar' (expected oci, oci-archive, docker-archive or "
            "docker)");
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("docker:reg/x"); }),
            "'docker:reg/x': expected docker://REFERENCE");
  EXPECT_NE(ErrorOf([] { ParseTransportSpec("docker://Bad Ref"); }), "(no error)");
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("oci:"); }), "'oci:': empty path");
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("oci::tag"); }), "'oci::tag': empty path");
  EXPECT_EQ(ErrorOf([] { ParseTransportSpec("oci-archive:"); }), "'oci-archive:': empty path");
}

}  // namespace
}  // namespace ocimake
