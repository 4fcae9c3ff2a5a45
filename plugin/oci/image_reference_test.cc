#include "oci/image_reference.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace ocimake {
namespace {

const std::string kHex(64, 'a');

TEST(ImageReferenceTest, DockerHubDefaults) {
  ImageReference r = ParseImageReference("debian");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.repository, "library/debian");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.str(), "docker.io/library/debian:latest");
  EXPECT_EQ(ParseImageReference("user/app:1").str(), "docker.io/user/app:1");
  EXPECT_EQ(ParseImageReference("docker.io/debian:12").repository, "library/debian");
  EXPECT_EQ(ParseImageReference("index.docker.io/library/debian").registry, "docker.io");
  EXPECT_EQ(RegistryApiHost("docker.io"), "registry-1.docker.io");
}

TEST(ImageReferenceTest, HostPortTagAndDigest) {
  ImageReference r = ParseImageReference("127.0.0.1:5000/team/base:1.0");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "team/base");
  EXPECT_EQ(r.tag, "1.0");
  EXPECT_TRUE(r.digest.empty());
  EXPECT_EQ(r.reference(), "1.0");

  r = ParseImageReference("ghcr.io/o/app@sha256:" + kHex);
  EXPECT_EQ(r.tag, "") << "a digest alone sets no tag";
  EXPECT_EQ(r.reference(), "sha256:" + kHex);
  EXPECT_EQ(r.str(), "ghcr.io/o/app@sha256:" + kHex);

  r = ParseImageReference("localhost:5000/app:v2@sha256:" + kHex);
  EXPECT_EQ(r.tag, "v2");
  EXPECT_EQ(r.reference(), "sha256:" + kHex) << "the digest wins over the tag";

  EXPECT_EQ(ParseImageReference("localhost/app").registry, "localhost");
  EXPECT_EQ(ParseImageReference("[::1]:5000/app:1").registry, "[::1]:5000");
  EXPECT_EQ(ParseImageReference("a.b/c__d/e-f.g_h").repository, "c__d/e-f.g_h");
}

TEST(ImageReferenceTest, RejectsInvalidPartsBeforeAnyUrl) {
  for (const std::string& bad : std::vector<std::string>{
       "", "Upper/app", "host.io/App", "host.io/a//b", "host.io/-a", "host.io/a-",
        "host.io/a:bad tag", "host.io/a:-x", "host.io/a@sha256:../../x",
        "host.io/a@sha256:" + std::string(64, 'A'), "host.io/a@sha256:abc",
        "host.io/a@md5:" + kHex, "ho_st.io/a", "host.io:99999/a", "host.io/a?x=1",
        "host.io/a#frag", "host.io/../a"}) {
    EXPECT_THROW(ParseImageReference(bad), Error) << bad;
  }
  try {
    ParseImageReference("127.0.0.1:5000/a@sha256:../../x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid digest"), std::string::npos) << e.what();
  }
}

TEST(ImageReferenceTest, ExplicitRegistryReferencesOnly) {
  EXPECT_TRUE(IsExplicitRegistryReference("127.0.0.1:5000/base:1"));
  EXPECT_TRUE(IsExplicitRegistryReference("localhost/base"));
  EXPECT_TRUE(IsExplicitRegistryReference("ghcr.io/o/app@sha256:" + kHex));
  // Paths and short names are not: they stay layouts and archives.
  EXPECT_FALSE(IsExplicitRegistryReference("build/base"));
  EXPECT_FALSE(IsExplicitRegistryReference("base:1.0"));
  EXPECT_FALSE(IsExplicitRegistryReference("debian"));
  EXPECT_FALSE(IsExplicitRegistryReference("../base"));
  EXPECT_FALSE(IsExplicitRegistryReference("./base"));
  EXPECT_FALSE(IsExplicitRegistryReference("/abs/base"));
  EXPECT_FALSE(IsExplicitRegistryReference("out.d/Base"));
}

TEST(ImageReferenceTest, TagsAndHosts) {
  EXPECT_TRUE(IsValidTag("v1.2.3-rc_1"));
  EXPECT_TRUE(IsValidTag(std::string(128, 'a')));
  EXPECT_FALSE(IsValidTag(std::string(129, 'a')));
  EXPECT_FALSE(IsValidTag(".hidden"));
  EXPECT_TRUE(IsValidRegistryHost("registry.example.com:443"));
  EXPECT_TRUE(IsValidRegistryHost("[fe80::1]"));
  EXPECT_FALSE(IsValidRegistryHost("a..b"));
  EXPECT_FALSE(IsValidRegistryHost("host:0"));
  EXPECT_FALSE(IsValidRegistryHost("user@host"));
}

}  // namespace
}  // namespace ocimake
