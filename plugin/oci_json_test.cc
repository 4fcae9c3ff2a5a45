#include "oci_json.h"

#include <gtest/gtest.h>

#include "error.h"
#include "image_builder.h"
#include "image_settings.h"

namespace ocimake {
namespace {

Descriptor Blob(const std::string& content, const char* type) {
  Descriptor d;
  d.media_type = type;
  d.digest = Digest::Of(content);
  d.size = static_cast<int64_t>(content.size());
  return d;
}

TEST(OciJsonTest, ManifestIsCanonicalAndRoundTrips) {
  Manifest m;
  m.config = Blob("{}", media_type::kOciConfig);
  m.layers.push_back(Blob("layer", media_type::kOciLayerGzip));
  m.annotations["b"] = "2";
  m.annotations["a"] = "1";
  std::string text = ToJson(m);
  // Keys sorted, no white space: the same value always gives the same bytes.
  EXPECT_EQ(text.find(' '), std::string::npos);
  EXPECT_LT(text.find("\"annotations\""), text.find("\"config\""));
  EXPECT_LT(text.find("\"a\":\"1\""), text.find("\"b\":\"2\""));
  Manifest back = ParseManifest(text, "m");
  EXPECT_EQ(ToJson(back), text);
  EXPECT_EQ(back.layers.at(0).digest, m.layers.at(0).digest);
}

TEST(OciJsonTest, ConfigCarriesSettingsAndHistory) {
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
  l.descriptor = Blob("x", media_type::kOciLayerGzip);
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

TEST(OciJsonTest, RejectsDuplicateKeys) {
  EXPECT_THROW(ParseIndex(R"({"manifests":[],"manifests":[]})", "i"), Error);
}

TEST(OciJsonTest, RejectsAmbiguousDocument) {
  try {
    SniffMediaType(R"({"manifests":[],"layers":[]})", "doc.json");
    FAIL() << "accepted an ambiguous document";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("doc.json: ambiguous"), std::string::npos) << e.what();
  }
}

TEST(OciJsonTest, RejectsTruncatedAndNonUtf8WithTheName) {
  try {
    ParseManifest("{\"config\":", "base/index.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("base/index.json: invalid JSON", 0), 0u) << e.what();
  }
  EXPECT_THROW(ParseIndex("{\"manifests\":[],\"x\":\"\xff\"}", "i"), Error);
}

TEST(OciJsonTest, RejectsBadDigestInDescriptor) {
  EXPECT_THROW(ParseDescriptor(R"({"mediaType":"x","digest":"sha256:../../etc","size":1})", "d"),
               Error);
}

TEST(OciJsonTest, SettingsRejectUnknownKeys) {
  try {
    ParseImageSettings(R"({"entrypoint":["/a"],"entrypiont":["/b"]})", "s.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "s.json: unknown key \"entrypiont\"");
  }
}

}  // namespace
}  // namespace ocimake
