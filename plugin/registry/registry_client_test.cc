#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "registry/http_client.h"

namespace ocimake {
namespace {

TEST(WwwAuthenticateTest, BearerChallenge) {
  auto c = ParseWwwAuthenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
      R"(scope="repository:library/debian:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].params["realm"], "https://auth.docker.io/token");
  EXPECT_EQ(c[0].params["service"], "registry.docker.io");
  EXPECT_EQ(c[0].params["scope"], "repository:library/debian:pull");
}

TEST(WwwAuthenticateTest, BasicAndSeveralChallenges) {
  auto c = ParseWwwAuthenticate(R"(Basic realm="Registry Realm")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].params["realm"], "Registry Realm");

  c = ParseWwwAuthenticate(R"(Basic realm="a, b", BEARER Realm="https://t/x" , Service=svc)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].params["realm"], "a, b") << "a comma inside quotes is not a separator";
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].params["realm"], "https://t/x");
  EXPECT_EQ(c[1].params["service"], "svc") << "names lowercased, tokens unquoted";
}

TEST(WwwAuthenticateTest, EscapesToken68AndGarbage) {
  auto c = ParseWwwAuthenticate(R"(Bearer realm="a\"b\\c",error="invalid_token")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].params["realm"], "a\"b\\c");
  EXPECT_EQ(c[0].params["error"], "invalid_token");
  c = ParseWwwAuthenticate("Negotiate abc123==, Basic realm=x");
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c.front().scheme, "negotiate");
  EXPECT_EQ(c.back().scheme, "basic");
  EXPECT_EQ(c.back().params["realm"], "x");
  EXPECT_TRUE(ParseWwwAuthenticate("").empty());
  c = ParseWwwAuthenticate(R"(Bearer realm="unterminated)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].params["realm"], "unterminated");
}

TEST(RetryAfterTest, SecondsAndDates) {
  const std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfter("5", now), 5.0);
  EXPECT_EQ(ParseRetryAfter(" 120 ", now), 120.0);
  EXPECT_EQ(ParseRetryAfter("0", now), 0.0);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), 30.0);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), 0.0) << "a past date: now";
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-3", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("1.5", now).has_value());
  EXPECT_GE(*ParseRetryAfter("99999999999999999999", now), 1e9) << "huge: capped by the caller";
}

TEST(RegistryOptionsTest, InsecureRegistries) {
  RegistryOptions o;
  EXPECT_TRUE(o.IsInsecure("localhost:5000"));
  EXPECT_TRUE(o.IsInsecure("127.0.0.1:5000"));
  EXPECT_TRUE(o.IsInsecure("[::1]:5000"));
  EXPECT_TRUE(o.IsInsecure("localhost"));
  EXPECT_FALSE(o.IsInsecure("registry.example.com"));
  EXPECT_FALSE(o.IsInsecure("127.0.0.2:5000"));
  o.insecure = {"myreg", "other:5000"};
  EXPECT_TRUE(o.IsInsecure("myreg:1234"));
  EXPECT_TRUE(o.IsInsecure("other:5000"));
  EXPECT_FALSE(o.IsInsecure("other:5001"));
}

TEST(RegistryOptionsTest, FromEnvironment) {
  setenv("OCIMAKE_INSECURE_REGISTRIES", " a:1 ,b,, ", 1);
  setenv("OCIMAKE_CA_FILE", "/etc/ca.pem", 1);
  RegistryOptions o = RegistryOptions::FromEnvironment();
  unsetenv("OCIMAKE_INSECURE_REGISTRIES");
  unsetenv("OCIMAKE_CA_FILE");
  EXPECT_EQ(o.insecure, (std::vector<std::string>{"a:1", "b"}));
  EXPECT_EQ(o.ca_file, "/etc/ca.pem");
  EXPECT_EQ(o.retry.attempts, 4);
}

TEST(UrlTest, ResolveAuthorityAndQuery) {
  EXPECT_EQ(ParseUrl("https://Reg.Example.com:443/v2/").authority, "reg.example.com");
  EXPECT_EQ(ParseUrl("http://127.0.0.1:5000/v2/").authority, "127.0.0.1:5000");
  EXPECT_EQ(ParseUrl("http://[::1]:5000/v2/").authority, "[::1]:5000");
  EXPECT_EQ(ResolveUrl("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_state=x"),
            "http://h:1/v2/a/blobs/uploads/u?_state=x");
  EXPECT_EQ(ResolveUrl("http://h:1/v2/", "https://cdn.example/blob"), "https://cdn.example/blob");
  EXPECT_EQ(AddQuery("http://h/u?_state=x", "digest", "sha256:ab"),
            "http://h/u?_state=x&digest=sha256%3Aab");
  EXPECT_EQ(AddQuery("/v2/a/blobs/uploads/", "mount", "x y"), "/v2/a/blobs/uploads/?mount=x%20y");
}

}  // namespace
}  // namespace ocimake
