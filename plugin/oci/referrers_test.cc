#include "oci/referrers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "oci/image.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"

namespace ocimake {
namespace {

using testing::ScratchDir;

// An image manifest of `layout` whose config holds `config`.
Descriptor WriteImage(const OciLayout& layout, const std::string& config) {
  Manifest m;
  m.config = layout.WriteBlob(config, media_type::kOciConfig);
  return layout.WriteBlob(ToJson(m), media_type::kOciManifest);
}

std::vector<std::string> ArtifactTypes(const OciLayout& layout) {
  std::vector<std::string> out;
  for (const auto& e : layout.ReadIndex().manifests) out.push_back(e.artifact_type);
  return out;
}

TEST(ReferrersTest, AnAttachedArtifactRefersToTheImageAndIsNoImage) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor image = l.Tag(WriteImage(l, "{\"a\":1}"), "1.0", /*exclusive=*/true);
  Descriptor sbom = AttachArtifact(l, image, media_type::kSpdxJson, "{\"spdx\":1}", "a.spdx.json");
  AttachArtifact(l, image, media_type::kInTotoJson, "{\"intoto\":1}", "a.provenance.json");
  EXPECT_EQ(ArtifactTypes(l), (std::vector<std::string>{"", media_type::kSpdxJson,
                                                         media_type::kInTotoJson}));
  EXPECT_EQ(FindTagged(l, "").digest, image.digest) << "artifacts are not images";
  std::vector<Descriptor> found = LayoutReferrers(l, l.ReadIndex(), image.digest,
                                                  media_type::kSpdxJson);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].digest, sbom.digest);
  EXPECT_EQ(LayoutReferrers(l, l.ReadIndex(), image.digest).size(), 2u);

  ArtifactDocument a = ParseArtifact(l.ReadSmallBlob(sbom), image.digest, "sbom");
  EXPECT_EQ(a.manifest.artifact_type, media_type::kSpdxJson);
  EXPECT_EQ(a.manifest.config.digest, EmptyConfig().digest);
  EXPECT_EQ(l.ReadSmallBlob(a.manifest.config), "{}");
  EXPECT_EQ(l.ReadSmallBlob(a.layer), "{\"spdx\":1}");
  EXPECT_EQ(a.layer.annotations.at("org.opencontainers.image.title"), "a.spdx.json");
  EXPECT_EQ(a.manifest.subject->size, image.size);
  EXPECT_TRUE(a.manifest.subject->annotations.empty()) << "the subject carries no tag";
}

TEST(ReferrersTest, AttachingAgainReplacesTheArtifactOfThatTypeAndSubject) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor image = l.Tag(WriteImage(l, "{\"a\":1}"), "1.0", true);
  AttachArtifact(l, image, media_type::kSpdxJson, "{\"v\":1}", "a.spdx.json");
  Descriptor second = AttachArtifact(l, image, media_type::kSpdxJson, "{\"v\":2}", "a.spdx.json");
  AttachArtifact(l, image, media_type::kSpdxJson, "{\"v\":2}", "a.spdx.json");
  std::vector<Descriptor> found = LayoutReferrers(l, l.ReadIndex(), image.digest);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].digest, second.digest);
}

TEST(ReferrersTest, IndexJsonDoesNotDependOnTheOrderOfAttaching) {
  ScratchDir tmp;
  std::string bytes[2];
  for (int order = 0; order < 2; ++order) {
    OciLayout l = OciLayout::Create(tmp / std::to_string(order));
    Descriptor image = l.Tag(WriteImage(l, "{\"a\":1}"), "1.0", true);
    auto sbom = [&] { AttachArtifact(l, image, media_type::kSpdxJson, "s", "s"); };
    auto provenance = [&] { AttachArtifact(l, image, media_type::kInTotoJson, "p", "p"); };
    if (order == 0) { sbom(); provenance(); } else { provenance(); sbom(); }
    bytes[order] = ReadFile(JoinPath(tmp / std::to_string(order), "index.json"));
  }
  EXPECT_EQ(bytes[0], bytes[1]);
}

TEST(ReferrersTest, AnExclusiveTagKeepsTheArtifactsOfItsImageOnly) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor a = l.Tag(WriteImage(l, "{\"a\":1}"), "1.0", true);
  Descriptor sbom = AttachArtifact(l, a, media_type::kSpdxJson, "{\"of\":\"a\"}", "a.spdx.json");
  l.Tag(a, "1.0", true);  // the image edge again, with the same image
  EXPECT_EQ(LayoutReferrers(l, l.ReadIndex(), a.digest).size(), 1u);
  EXPECT_TRUE(l.HasBlob(Digest::Of("{\"of\":\"a\"}"))) << "the document's blob is kept";
  Descriptor b = l.Tag(WriteImage(l, "{\"b\":1}"), "1.0", true);
  EXPECT_EQ(l.ReadIndex().manifests.size(), 1u) << "a's SBOM left with a";
  EXPECT_FALSE(l.HasBlob(sbom.digest));
  EXPECT_FALSE(l.HasBlob(Digest::Of("{\"of\":\"a\"}")));
  EXPECT_EQ(FindTagged(l, "1.0").digest, b.digest);
}

TEST(ReferrersTest, TheArtifactsOfAPlatformManifestStayWithItsIndex) {
  ScratchDir tmp;
  OciLayout l = OciLayout::Create(tmp / "l");
  Descriptor amd64 = WriteImage(l, "{\"arch\":\"amd64\"}");
  Index index;
  index.manifests = {amd64};
  Descriptor top = l.WriteBlob(ToJson(index), media_type::kOciIndex);
  l.Tag(top, "1.0", true);
  AttachArtifact(l, amd64, media_type::kSpdxJson, "{}", "a.linux-amd64.spdx.json");
  l.Tag(top, "1.0", true);
  EXPECT_EQ(LayoutReferrers(l, l.ReadIndex(), amd64.digest).size(), 1u);
}

TEST(ReferrersTest, ParseArtifactChecksTheSubjectAndTheOneDocument) {
  Descriptor subject;
  subject.media_type = media_type::kOciManifest;
  subject.digest = Digest::Of("image");
  subject.size = 5;
  Descriptor doc;
  doc.media_type = media_type::kSpdxJson;
  doc.digest = Digest::Of("doc");
  doc.size = 3;
  Manifest m = ArtifactManifest(media_type::kSpdxJson, doc, subject);
  EXPECT_NO_THROW(ParseArtifact(ToJson(m), subject.digest, "a"));
  EXPECT_THROW(ParseArtifact(ToJson(m), Digest::Of("other"), "a"), Error);
  m.layers.push_back(doc);
  EXPECT_THROW(ParseArtifact(ToJson(m), subject.digest, "a"), Error);
  m.layers = {doc};
  m.subject.reset();
  EXPECT_THROW(ParseArtifact(ToJson(m), subject.digest, "a"), Error);
}

TEST(ReferrersTest, TheReferrersTagNamesTheSubject) {
  EXPECT_EQ(ReferrersTag(Digest::Of("x")), "sha256-" + Digest::Of("x").hex());
  EXPECT_TRUE(IsValidTag(ReferrersTag(Digest::Of("x"))));
}

}  // namespace
}  // namespace ocimake
