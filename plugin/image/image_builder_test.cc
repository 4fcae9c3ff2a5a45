#include "image/image_builder.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/test_support.h"
#include "image/image_settings.h"
#include "oci/image.h"
#include "oci/oci_json.h"
#include "oci/oci_test_support.h"
#include "oci/oci_layout.h"
#include "oci/platform.h"
#include "oci/ref_name.h"

namespace ocimake {
namespace {

using testing::BlobDescriptor;

TEST(ImageBuilderTest, ConfigCarriesSettingsAndHistory) {
  ImageSettings s;
  s.entrypoint = std::vector<std::string>{"/app"};
  s.env = {"A=1"};
  s.expose = {"8080"};
  ImageConfig base;
  base.config.cmd = std::vector<std::string>{"--old"};
  base.config.env = {"A=0", "B=2"};
  ImageConfig c = WithSettings(base, s, 86400, Platform{"linux", "amd64", ""});
  EXPECT_FALSE(c.config.cmd.has_value()) << "a new ENTRYPOINT clears the base's CMD";
  EXPECT_EQ(c.config.env, (std::vector<std::string>{"A=1", "B=2", kDefaultPath}))
      << "ENV replaces by key; with no PATH anywhere, the default one is added";
  base.config.env = {"PATH=/opt/bin"};
  EXPECT_EQ(WithSettings(base, s, 0, Platform{}).config.env,
            (std::vector<std::string>{"PATH=/opt/bin", "A=1"}))
      << "the base's PATH stays";
  EXPECT_EQ(c.config.exposed_ports.count("8080/tcp"), 1u);
  EXPECT_EQ(c.created, "1970-01-02T00:00:00Z");
  LayerDescriptor l;
  l.descriptor = BlobDescriptor("x", media_type::kOciLayerGzip);
  l.diff_id = Digest::Of("y");
  l.created_by = "ocimake: app";
  c = AppendLayer(c, l, 86400);
  std::string text = ToJson(c);
  ImageConfig back = ParseImageConfig(text, "config");
  EXPECT_EQ(ToJson(back), text);
  ASSERT_EQ(back.diff_ids.size(), 1u);
  EXPECT_EQ(back.diff_ids[0], Digest::Of("y"));
  EXPECT_EQ(back.history.at(0).created_by, "ocimake: app");
  EXPECT_NE(text.find("\"ExposedPorts\":{\"8080/tcp\":{}}"), std::string::npos);
}

TEST(ImageBuilderTest, SettingsRejectUnknownKeys) {
  try {
    ParseImageSettings(R"({"entrypoint":["/a"],"entrypiont":["/b"]})", "s.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "s.json: unknown key \"entrypiont\"");
  }
}

// A layer blob written into `layout`, described as `ocimake layer` does.
LayerDescriptor WriteLayer(const OciLayout& layout, const std::string& content, int64_t entries) {
  LayerDescriptor l;
  l.descriptor = layout.WriteBlob(content, media_type::kOciLayer);
  l.diff_id = l.descriptor.digest;
  l.created_by = "ocimake: " + content;
  l.entries = entries;
  return l;
}

// Writes a one-layer image tagged `tag` into a new layout at `dir`.
LoadedImage WriteBase(const std::string& dir, const std::string& tag) {
  OciLayout base = OciLayout::Create(dir);
  ImageRequest r;
  r.layers = {WriteLayer(base, "base layer", 1)};
  r.settings.tag = tag;
  WriteImage(base, r);
  return LoadImage(dir, tag, Platform{});
}

TEST(WriteImageTest, BaseLayersAreReused) {
  testing::ScratchDir tmp;
  LoadedImage base = WriteBase(tmp / "base", "base:1");
  OciLayout out = OciLayout::Create(tmp / "out");
  ImageRequest r;
  r.base = base;
  r.layers = {WriteLayer(out, "app", 2)};
  r.settings.tag = "app:1";
  WriteImage(out, r);
  LoadedImage img = LoadImage(tmp / "out", "app:1", Platform{});
  ASSERT_EQ(img.manifest.layers.size(), 2u);
  EXPECT_EQ(img.manifest.layers[0].digest, base.manifest.layers[0].digest) << "the base's bytes";
  EXPECT_TRUE(out.VerifyBlob(img.manifest.layers[0])) << "copied into the output layout";
  EXPECT_EQ(img.config.diff_ids,
            (std::vector<Digest>{base.config.diff_ids[0], Digest::Of("app")}));
  EXPECT_EQ(img.manifest.annotations.at("org.opencontainers.image.base.digest"),
            base.manifest_descriptor.digest.str());
}

TEST(WriteImageTest, EmptyLayerLeftOut) {
  testing::ScratchDir tmp;
  OciLayout out = OciLayout::Create(tmp / "out");
  ImageRequest r;
  r.layers = {WriteLayer(out, "empty", 0), WriteLayer(out, "app", 3)};
  r.settings.tag = "app";
  WriteImage(out, r);
  LoadedImage img = LoadImage(tmp / "out", "app", Platform{});
  ASSERT_EQ(img.manifest.layers.size(), 1u);
  EXPECT_EQ(img.manifest.layers[0].digest, Digest::Of("app"));
  ASSERT_EQ(img.config.history.size(), 1u);
  EXPECT_EQ(img.config.history[0].created_by, "ocimake: app");
}

TEST(WriteImageTest, AnnotationsAndATagThatMoves) {
  testing::ScratchDir tmp;
  OciLayout out = OciLayout::Create(tmp / "out");
  ImageRequest r;
  r.layers = {WriteLayer(out, "app", 1)};
  r.settings.tag = "app";
  r.settings.annotations = {{"org.opencontainers.image.source", "https://example.org/app"}};
  Descriptor first = WriteImage(out, r);
  LoadedImage img = LoadImage(tmp / "out", "app", Platform{});
  EXPECT_EQ(img.manifest.annotations.at("org.opencontainers.image.source"),
            "https://example.org/app");
  EXPECT_EQ(img.manifest_descriptor.digest, first.digest);
  r.settings.annotations.clear();
  Descriptor second = WriteImage(out, r);
  EXPECT_NE(second.digest, first.digest);
  ASSERT_EQ(out.ReadIndex().manifests.size(), 1u) << "the tag replaced, not added";
  EXPECT_EQ(out.ReadIndex().manifests[0].digest, second.digest);
}

// One platform's image of a multi-platform one, its layer `app`: written
// untagged into `out`.
Descriptor WritePlatformImage(const OciLayout& out, const std::string& platform,
                              const std::string& app = "app") {
  ImageRequest r;
  r.layers = {WriteLayer(out, app + " for " + platform, 1)};
  r.platform = ParsePlatform(platform);
  r.untagged = true;
  return WriteImage(out, r);
}

TEST(WriteIndexTest, OneManifestPerPlatformInOrderTagged) {
  testing::ScratchDir tmp;
  OciLayout out = OciLayout::Create(tmp / "out");
  Descriptor arm64 = WritePlatformImage(out, "linux/arm64");
  Descriptor amd64 = WritePlatformImage(out, "linux/amd64");
  EXPECT_TRUE(out.ReadIndex().manifests.empty()) << "untagged images leave index.json alone";
  Descriptor id = WriteIndex(out, out, {arm64.digest, amd64.digest}, "app:1", false);
  Index root = out.ReadIndex();
  ASSERT_EQ(root.manifests.size(), 1u);
  EXPECT_EQ(root.manifests[0].digest, id.digest);
  EXPECT_EQ(root.manifests[0].media_type, media_type::kOciIndex);
  EXPECT_EQ(root.manifests[0].annotations.at(kRefNameAnnotation), "1");
  EXPECT_EQ(root.manifests[0].annotations.at(kImageNameAnnotation), "docker.io/library/app:1");
  Index index = ParseIndex(out.ReadSmallBlob(id), "index");
  ASSERT_EQ(index.manifests.size(), 2u);
  EXPECT_EQ(index.manifests[0].digest, arm64.digest);
  EXPECT_EQ(index.manifests[0].platform, (Platform{"linux", "arm64", ""}));
  EXPECT_EQ(index.manifests[1].digest, amd64.digest);
  EXPECT_EQ(index.manifests[1].platform, (Platform{"linux", "amd64", ""}));
  EXPECT_EQ(index.manifests[1].size, amd64.size);
  LoadedImage img = LoadImage(tmp / "out", "app:1", Platform{"linux", "arm64", ""});
  EXPECT_EQ(img.manifest_descriptor.digest, arm64.digest) << "the index leads to each platform";
  std::optional<PlatformIndex> tagged = TaggedIndex(out, "app:1");
  ASSERT_TRUE(tagged.has_value());
  EXPECT_EQ(tagged->descriptor.digest, id.digest);
  ASSERT_EQ(tagged->entries.size(), 2u);
  EXPECT_EQ(tagged->entries[1].digest, amd64.digest);
  EXPECT_TRUE(TaggedIndex(out, "").has_value()) << "the only entry";
  EXPECT_FALSE(TaggedIndex(out, "other").has_value());
}

TEST(WriteIndexTest, TwoManifestsForOnePlatformFail) {
  testing::ScratchDir tmp;
  OciLayout out = OciLayout::Create(tmp / "out");
  Descriptor a = WritePlatformImage(out, "linux/arm64");
  Descriptor b = WritePlatformImage(out, "linux/arm64", "another app");
  EXPECT_EQ(testing::ErrorOf([&] { WriteIndex(out, out, {a.digest, b.digest}, "app", false); }),
            "manifests " + a.digest.str() + " and " + b.digest.str() + " are both for linux/arm64");
  EXPECT_TRUE(out.ReadIndex().manifests.empty()) << "nothing tagged";
}

}  // namespace
}  // namespace ocimake
