#include "archive/archive_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "oci/image.h"
#include "oci/oci_json.h"
#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestTar;

// A one-layer image's parts: the layer tar's bytes and a config naming it.
struct ImageParts {
  std::string layer;
  std::string config;
};

ImageParts MakeParts(const ScratchDir& tmp) {
  WriteTestTar(tmp / "layer.tar", {"d:etc", "f:etc/app.conf:hello"});
  ImageParts p;
  p.layer = ReadFile(tmp / "layer.tar");
  ImageConfig c;
  c.os = "linux";
  c.architecture = "amd64";
  c.diff_ids = {Digest::Of(p.layer)};
  p.config = ToJson(c);
  return p;
}

// Every file below `dir` as a WriteTestTar entry "f:REL:CONTENT".
std::vector<std::string> FileEntries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
    if (f.is_regular_file())
      out.push_back("f:" + f.path().lexically_relative(dir).string() + ":" +
                    ReadFile(f.path().string()));
  return out;
}

void ExpectImage(const std::string& layout, const std::string& tag, const ImageParts& p) {
  LoadedImage img = LoadImage(layout, tag, Platform{});
  EXPECT_EQ(img.config.diff_ids, std::vector<Digest>{Digest::Of(p.layer)});
  ASSERT_EQ(img.manifest.layers.size(), 1u);
  EXPECT_EQ(img.manifest.layers[0].digest, Digest::Of(p.layer));
  EXPECT_EQ(ReadFile(img.layout->BlobPath(img.manifest.layers[0].digest)), p.layer);
  EXPECT_EQ(img.config.architecture, "amd64");
}

TEST(ArchiveImportTest, DockerArchive) {
  ScratchDir tmp;
  ImageParts p = MakeParts(tmp);
  DockerArchiveImage entry{"cfg.json", {"app:1.0"}, {"abc/layer.tar"}};
  WriteTestTar(tmp / "docker.tar", {"f:manifest.json:" + ToJson(std::vector{entry}),
                                    "f:cfg.json:" + p.config, "d:abc",
                                    "f:abc/layer.tar:" + p.layer});
  ImportArchive(tmp / "docker.tar", tmp / "out");
  ExpectImage(tmp / "out", "app:1.0", p);
}

TEST(ArchiveImportTest, OciArchive) {
  ScratchDir tmp;
  ImageParts p = MakeParts(tmp);
  OciLayout src = OciLayout::Create(tmp / "src");
  Manifest m;
  m.layers.push_back(src.WriteBlob(p.layer, media_type::kOciLayer));
  m.config = src.WriteBlob(p.config, media_type::kOciConfig);
  src.Tag(src.WriteBlob(ToJson(m), media_type::kOciManifest), "app:2");
  WriteTestTar(tmp / "oci.tar", FileEntries(tmp / "src"));
  ImportArchive(tmp / "oci.tar", tmp / "out");
  ExpectImage(tmp / "out", "app:2", p);
}

TEST(ArchiveImportTest, HostileArchivesAreRefused) {
  ScratchDir tmp;
  ImageParts p = MakeParts(tmp);
  DockerArchiveImage entry{"cfg.json", {}, {"layer.tar"}};
  std::string manifest = "f:manifest.json:" + ToJson(std::vector{entry});
  WriteTestTar(tmp / "dotdot.tar", {manifest, "f:../cfg.json:" + p.config});
  EXPECT_THROW(ImportArchive(tmp / "dotdot.tar", tmp / "out"), Error);
  WriteTestTar(tmp / "wrong.tar", {manifest, "f:cfg.json:" + p.config, "f:layer.tar:other"});
  try {
    ImportArchive(tmp / "wrong.tar", tmp / "out");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("diff_id mismatch"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(PathExists(tmp / "out")) << "no partial layout";
  EXPECT_FALSE(PathExists(tmp / "../cfg.json"));
}

}  // namespace
}  // namespace ocimake
