#include "image/image_builder.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "image/image_settings.h"
#include "oci/oci_json.h"
#include "oci/oci_test_support.h"

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

}  // namespace
}  // namespace ocimake
