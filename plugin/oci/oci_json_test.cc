#include "oci/oci_json.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "oci/json_fields.h"
#include "oci/oci_test_support.h"

namespace ocimake {
namespace {

TEST(JsonFieldsTest, StringArrayIsOneWholeDocument) {
  EXPECT_EQ(ParseStringArray(R"(["/bin/app", "-v"])", "x"),
            (std::vector<std::string>{"/bin/app", "-v"}));
  EXPECT_TRUE(ParseStringArray("[]", "x").empty());
  for (const char* bad : {R"([]," x":1})", R"(["a"] ["b"])", R"(["a", 1])", R"({"a": "b"})", "\"a\""}) {
    try {
      ParseStringArray(bad, "--entrypoint");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--entrypoint: ", 0), 0u) << e.what();
    }
  }
}

TEST(JsonFieldsTest, EveryDocumentIsOneWholeDocument) {
  // Trailing bytes, a second document, or text that only parses wrapped
  // into another ("[...]" spliced into {"images": ...}) are refused.
  for (const char* bad : {"{} x", "{}{}", R"({"a":1} {"b":2})"})
    EXPECT_THROW(ParseStrict(bad, "doc"), Error) << bad;
  const char* spliced = R"([{"Config":"c","RepoTags":[],"Layers":[]}], "x": {"y": 1})";
  EXPECT_THROW(ParseDockerArchiveManifest(spliced, "manifest.json"), Error);
  EXPECT_THROW(ParseDockerArchiveManifest("[] []", "manifest.json"), Error);
  EXPECT_EQ(ParseDockerArchiveManifest(R"([{"Config":"c","RepoTags":["a:1"],"Layers":["l"]}])",
                                       "manifest.json").size(), 1u);
}

TEST(OciJsonTest, TheLayoutVersionIsOneDotX) {
  EXPECT_EQ(ParseLayoutVersion(R"({"imageLayoutVersion":"1.0.0"})", "oci-layout"), "1.0.0");
  EXPECT_EQ(ParseLayoutVersion(R"({"imageLayoutVersion":"1.1.0"})", "oci-layout"), "1.1.0");
  for (const char* bad : {R"({"imageLayoutVersion":"2.0.0"})", R"({"imageLayoutVersion":1})",
                          "{}", "", "[]", R"({"imageLayoutVersion":"1.0.0"} x)"})
    EXPECT_THROW(ParseLayoutVersion(bad, "oci-layout"), Error) << bad;
}

using testing::BlobDescriptor;

TEST(OciJsonTest, ManifestIsCanonicalAndRoundTrips) {
  Manifest m;
  m.config = BlobDescriptor("{}", media_type::kOciConfig);
  m.layers.push_back(BlobDescriptor("layer", media_type::kOciLayerGzip));
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

// Sizes are checked before any arithmetic: negative, above 2^63 (nlohmann
// reads those as unsigned) and above 1 TiB are refused, naming the value.
TEST(OciJsonTest, RejectsSizesThatCouldOverflowASum) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  auto parse = [&](const std::string& size) {
    return ParseDescriptor(R"({"mediaType":"x","digest":")" + digest + R"(","size":)" + size + "}",
                           "layer 3");
  };
  EXPECT_EQ(parse("1099511627776").size, kMaxBlobBytes);
  for (std::string bad : {"-1", "1099511627777", "9223372036854775807",
                          "18446744073709551615", "1.5", "\"12\""}) {
    try {
      parse(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("layer 3: \"size\"", 0), 0u) << e.what();
    }
  }
}

TEST(OciJsonTest, RejectsBadDigestInDescriptor) {
  EXPECT_THROW(ParseDescriptor(R"({"mediaType":"x","digest":"sha256:../../etc","size":1})", "d"),
               Error);
}

}  // namespace
}  // namespace ocimake
