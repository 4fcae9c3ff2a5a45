#include "registry/registry_token.h"

#include <gtest/gtest.h>

#include "base/error.h"

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


HttpResponse Unauthorized(const std::string& challenge) {
  HttpResponse r;
  r.status = 401;
  r.headers = {{"www-authenticate", challenge}};
  return r;
}

TEST(AuthorizerTest, BasicCredentialsGoToTheRegistrysHostOnly) {
  RegistryOptions options;
  int lookups = 0;
  options.credentials = [&](const std::string& registry) {
    ++lookups;
    EXPECT_EQ(registry, "reg.example");
    return Credentials{"u", "p", ""};
  };
  RegistryTransport transport("reg.example", options);
  transport.UseBaseUrl("https://reg.example");
  Authorizer auth(transport, options);
  EXPECT_FALSE(auth.LearnChallenge(Unauthorized("Negotiate abc")));
  EXPECT_EQ(lookups, 0) << "no lookup before the registry asks";
  ASSERT_TRUE(auth.LearnChallenge(Unauthorized(R"(Basic realm="r")")));
  EXPECT_EQ(auth.scheme(), Authorizer::Scheme::kBasic);
  HttpRequest own = MakeRequest("GET", "https://reg.example/v2/");
  EXPECT_TRUE(auth.Authorize(&own, "", false));
  ASSERT_EQ(own.headers.size(), 1u);
  EXPECT_EQ(own.headers[0].second, "Basic dTpw");
  HttpRequest other = MakeRequest("GET", "https://cdn.example/x");
  EXPECT_FALSE(auth.Authorize(&other, "", false));
  EXPECT_TRUE(other.headers.empty());
  EXPECT_EQ(lookups, 1) << "looked up once";
  try {
    auth.CheckUnauthorized(Unauthorized(R"(Basic realm="r")"), 0, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "registry reg.example: unauthorized (as user u)");
  }
}

TEST(AuthorizerTest, BearerRealmMustBeHttpsOnAnotherHost) {
  RegistryOptions options;
  options.credentials = [](const std::string&) { return Credentials{}; };
  RegistryTransport transport("reg.example", options);
  transport.UseBaseUrl("https://reg.example");
  Authorizer auth(transport, options);
  ASSERT_TRUE(auth.LearnChallenge(Unauthorized(R"(Bearer realm="http://auth.example/token")")));
  std::chrono::seconds lifetime{};
  try {
    auth.FetchToken("repository:a:pull", &lifetime);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "registry reg.example: refusing the token realm http://auth.example/token: a "
                 "realm on another host must use https");
  }
}

}  // namespace
}  // namespace ocimake
