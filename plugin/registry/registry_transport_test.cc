#include "registry/registry_transport.h"

#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "base/error.h"

namespace ocimake {
namespace {

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

TEST(BackoffTest, WaitsDoubleAndHonourRetryAfter) {
  RetryPolicy policy;
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 1, std::nullopt, 0), 0.5);
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 2, std::nullopt, 0), 1.0);
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 3, std::nullopt, 0.25), 2.5) << "jitter on top";
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 3, 7.0, 0.25), 7.0) << "Retry-After, no jitter";
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 1, 1e9, 0), 30.0) << "cut to max_retry_after";
  EXPECT_DOUBLE_EQ(BackoffSeconds(policy, 1, -5.0, 0), 0.0);
}

RetryPolicy NoWaits() {
  RetryPolicy policy;
  policy.base_seconds = 0;
  return policy;
}

TEST(WithRetriesTest, RetriesUntilAnAttemptReturns) {
  int calls = 0;
  int got = WithRetries(NoWaits(), "r:1", [&](int n) {
    EXPECT_EQ(n, calls++);
    if (n == 0) throw HttpError(HttpError::kDropped, "connection dropped");
    if (n == 1) throw RetryableStatus{"HTTP 503", 0.0};
    return 42;
  });
  EXPECT_EQ(got, 42);
  EXPECT_EQ(calls, 3);
}

TEST(WithRetriesTest, GivesUpAfterThePolicysAttemptsNamingTheRegistry) {
  int calls = 0;
  try {
    WithRetries(NoWaits(), "r:1", [&](int) {
      ++calls;
      throw HttpError(HttpError::kConnect, "connection refused");
    }, "token server t: ");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "registry r:1: token server t: connection refused after 4 attempts");
  }
  EXPECT_EQ(calls, 4);
}

TEST(WithRetriesTest, ANonTransientErrorFailsAtOnce) {
  int calls = 0;
  try {
    WithRetries(NoWaits(), "r:1", [&](int) {
      ++calls;
      throw HttpError(HttpError::kTlsVerify, "TLS certificate not trusted");
    });
    FAIL();
  } catch (const HttpError&) {
    FAIL() << "the HttpError is turned into a failure naming the registry";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "registry r:1: TLS certificate not trusted");
  }
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THROW(WithRetries(NoWaits(), "r:1", [&](int) { ++calls; Fail("bad"); }), Error);
  EXPECT_EQ(calls, 1) << "other errors are not retried";
}

TEST(StatusTest, WhatIsRetried) {
  for (long s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableStatus(s)) << s;
  for (long s : {200, 401, 404, 416, 501, 505}) EXPECT_FALSE(IsRetryableStatus(s)) << s;
  HttpResponse r;
  r.status = 429;
  r.headers = {{"retry-after", "3"}};
  try {
    ThrowIfRetryable(r, "PATCH: ");
    FAIL();
  } catch (const RetryableStatus& s) {
    EXPECT_EQ(s.reason, "PATCH: HTTP 429");
    EXPECT_EQ(s.retry_after, 3.0);
  }
  r.status = 404;
  EXPECT_NO_THROW(ThrowIfRetryable(r));
}

HttpResponse RedirectTo(long status, const std::string& location) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"location", location}};
  return r;
}

HttpRequest Authorized(const std::string& method, const std::string& url) {
  HttpRequest request = MakeRequest(method, url);
  request.headers = {{"Accept", "*/*"}, {"authorization", "Bearer t"}};
  request.has_body = method != "GET" && method != "HEAD";
  return request;
}

TEST(RedirectTest, CredentialsStayWithTheRegistrysHost) {
  RegistryTransport t("reg.example", RegistryOptions());
  t.UseBaseUrl("https://reg.example");
  HttpRequest same = t.Redirected(Authorized("GET", "https://reg.example/v2/a/blobs/x"),
                                  RedirectTo(307, "/other/x"));
  EXPECT_EQ(same.url, "https://reg.example/other/x");
  EXPECT_EQ(same.headers.size(), 2u);
  HttpRequest cdn = t.Redirected(Authorized("GET", "https://reg.example/v2/a/blobs/x"),
                                 RedirectTo(302, "https://cdn.example/x?sig=1"));
  EXPECT_EQ(cdn.url, "https://cdn.example/x?sig=1");
  ASSERT_EQ(cdn.headers.size(), 1u);
  EXPECT_EQ(cdn.headers[0].first, "Accept");
}

TEST(RedirectTest, SeeOtherTurnsIntoGetButNotForHead) {
  RegistryTransport t("reg.example", RegistryOptions());
  t.UseBaseUrl("https://reg.example");
  HttpRequest post = t.Redirected(Authorized("POST", "https://reg.example/v2/a/blobs/uploads/"),
                                  RedirectTo(303, "/status"));
  EXPECT_EQ(post.method, "GET");
  EXPECT_FALSE(post.has_body);
  HttpRequest head = t.Redirected(Authorized("HEAD", "https://reg.example/v2/a/blobs/x"),
                                  RedirectTo(303, "/status"));
  EXPECT_EQ(head.method, "HEAD");
  HttpRequest put = t.Redirected(Authorized("PUT", "https://reg.example/v2/a/manifests/1"),
                                 RedirectTo(307, "/again"));
  EXPECT_EQ(put.method, "PUT");
  EXPECT_TRUE(put.has_body);
}

TEST(RedirectTest, RefusesOtherSchemesAndADowngradeToPlainHttp) {
  RegistryTransport t("reg.example", RegistryOptions());
  t.UseBaseUrl("https://reg.example");
  HttpRequest get = Authorized("GET", "https://reg.example/v2/");
  EXPECT_THROW(t.Redirected(get, RedirectTo(302, "ftp://reg.example/x")), Error);
  try {
    t.Redirected(get, RedirectTo(302, "http://cdn.example/x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "registry reg.example: refusing a redirect from https to plain http "
                 "(cdn.example)");
  }
  HttpRequest local = t.Redirected(get, RedirectTo(302, "http://127.0.0.1:5000/x"));
  EXPECT_EQ(local.url, "http://127.0.0.1:5000/x") << "an insecure host may be plain http";
}

TEST(TransportTest, UrlsAgainstTheBase) {
  RegistryTransport t("127.0.0.1:5000", RegistryOptions());
  EXPECT_FALSE(t.probed());
  t.UseBaseUrl("http://127.0.0.1:5000");
  EXPECT_TRUE(t.probed());
  EXPECT_EQ(t.authority(), "127.0.0.1:5000");
  EXPECT_EQ(t.Url("/v2/a/tags/list"), "http://127.0.0.1:5000/v2/a/tags/list");
  EXPECT_EQ(t.Url("https://cdn.example/x"), "https://cdn.example/x");
}

}  // namespace
}  // namespace ocimake
