#include "registry/registry_credentials.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "oci/oci_json.h"

namespace ocimake {
namespace {

// A fake credential helper: remembers what it was asked.
struct FakeHelper {
  std::vector<std::string> calls;
  CredentialHelper fn() {
    return [this](const std::string& helper, const std::string& server) {
      calls.push_back(helper + " " + server);
      return std::optional<Credentials>(Credentials{"h-" + helper, "secret", ""});
    };
  }
};

TEST(Base64Test, KnownValuesAndRoundTrip) {
  EXPECT_EQ(Base64Encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Decode("dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(Base64Decode("YQ=="), "a");
  EXPECT_EQ(Base64Decode("YQ"), "a");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(Base64Decode(Base64Encode(all)), all);
  EXPECT_THROW(Base64Decode("dXN!"), Error);
  EXPECT_THROW(Base64Decode("Y"), Error);
}

TEST(AuthFileTest, ParsesDockerConfig) {
  AuthFile f = ParseAuthFile(R"({
    "auths": {"127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
              "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3"},
              "plain.example": {"username": "u", "password": "p"},
              "tok.example": {"identitytoken": "refresh"}},
    "credHelpers": {"gcr.io": "gcloud"},
    "credsStore": "desktop",
    "psFormat": "table", "proxies": {"default": {}}})",
                             "config.json");
  EXPECT_EQ(f.auths.size(), 4u);
  EXPECT_EQ(f.cred_helpers.at("gcr.io"), "gcloud");
  EXPECT_EQ(f.creds_store, "desktop");
  EXPECT_TRUE(ParseAuthFile("", "empty").auths.empty());
  EXPECT_THROW(ParseAuthFile(R"({"auths": {"a": {}}, "auths": {}})", "dup"), Error);
  EXPECT_THROW(ParseAuthFile(R"({"auths": []})", "bad"), Error);
}

TEST(AuthFileTest, FindsCredentialsByHost) {
  AuthFile f = ParseAuthFile(R"({"auths": {
      "127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
      "https://reg.example/v1/": {"auth": "YTpiOmM="},
      "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3"},
      "plain.example": {"username": "u", "password": "p"},
      "tok.example": {"identitytoken": "refresh"}}})",
                             "config.json");
  FakeHelper helper;
  auto c = FindCredentials(f, "127.0.0.1:5000", helper.fn());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password, "pass");
  c = FindCredentials(f, "reg.example", helper.fn());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "a");
  EXPECT_EQ(c->password, "b:c") << "the password may hold ':'";
  c = FindCredentials(f, "docker.io", helper.fn());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "hub");
  EXPECT_EQ(FindCredentials(f, "plain.example", helper.fn())->password, "p");
  EXPECT_EQ(FindCredentials(f, "tok.example", helper.fn())->identity_token, "refresh");
  EXPECT_FALSE(FindCredentials(f, "127.0.0.1:5001", helper.fn())) << "another port, another host";
  EXPECT_FALSE(FindCredentials(f, "other.example", helper.fn()));
  EXPECT_TRUE(helper.calls.empty());
}

TEST(AuthFileTest, HelpersComeFirstAndStoreLast) {
  AuthFile f = ParseAuthFile(R"({"auths": {"gcr.io": {"auth": "dXNlcjpwYXNz"},
                                            "mine.example": {"auth": "dXNlcjpwYXNz"}},
                                 "credHelpers": {"gcr.io": "gcloud"},
                                 "credsStore": "desktop"})",
                             "config.json");
  FakeHelper helper;
  EXPECT_EQ(FindCredentials(f, "gcr.io", helper.fn())->username, "h-gcloud");
  EXPECT_EQ(FindCredentials(f, "mine.example", helper.fn())->username, "user");
  EXPECT_EQ(FindCredentials(f, "docker.io", helper.fn())->username, "h-desktop");
  EXPECT_EQ(helper.calls, (std::vector<std::string>{"gcloud gcr.io",
                                                    "desktop https://index.docker.io/v1/"}));
}

TEST(AuthFileTest, BadAuthNamesTheEntry) {
  AuthFile f = ParseAuthFile(R"({"auths": {"h.example": {"auth": "bm9jb2xvbg=="}}})", "c.json");
  try {
    FindCredentials(f, "h.example");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("auths.h.example"), std::string::npos) << e.what();
  }
}

TEST(AuthFileTest, HelperReply) {
  Credentials c = ParseCredentialHelperReply(
      R"({"ServerURL": "h", "Username": "u", "Secret": "s"})", "reply");
  EXPECT_EQ(c.username, "u");
  EXPECT_EQ(c.password, "s");
  c = ParseCredentialHelperReply(R"({"Username": "<token>", "Secret": "rt"})", "reply");
  EXPECT_EQ(c.identity_token, "rt");
  EXPECT_TRUE(c.username.empty());
}

TEST(AuthFileTest, LookupOrderAndLogin) {
  testing::ScratchDir dir;
  testing::WriteTestFile(dir / "auth.json", R"({"auths": {"a.example": {"auth": "cDpw"}}})");
  testing::WriteTestFile(dir / "docker/config.json",
                         R"({"auths": {"a.example": {"auth": "ZDpk"},
                                       "b.example": {"auth": "ZDpk"}},
                             "currentContext": "x"})");
  setenv("REGISTRY_AUTH_FILE", (dir / "auth.json").c_str(), 1);
  setenv("DOCKER_CONFIG", (dir / "docker").c_str(), 1);
  EXPECT_EQ(LookupCredentials("a.example").username, "p") << "REGISTRY_AUTH_FILE first";
  EXPECT_EQ(LookupCredentials("b.example").username, "d") << "then the docker config";
  EXPECT_TRUE(LookupCredentials("c.example").empty());

  StoreCredentials(DockerConfigPath(), "c.example", Credentials{"new", "pw:1", ""});
  EXPECT_EQ(LookupCredentials("c.example").password, "pw:1");
  std::string text = ReadFile(dir / "docker/config.json");
  EXPECT_NE(text.find("currentContext"), std::string::npos) << "other keys are kept";
  EXPECT_NE(text.find("b.example"), std::string::npos);
  struct stat st;
  ASSERT_EQ(stat((dir / "docker/config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  unsetenv("REGISTRY_AUTH_FILE");
  unsetenv("DOCKER_CONFIG");
}

}  // namespace
}  // namespace ocimake
