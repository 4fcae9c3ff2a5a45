#include "registry/registry_transport.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "base/error.h"
#include "base/strings.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

constexpr int kMaxRedirects = 5;
constexpr long kTlsProbeSeconds = 10;  // https first, for an insecure registry

}  // namespace

bool IsSuccess(long status) { return status >= 200 && status < 300; }

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string StatusText(const HttpResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  std::string errors = DescribeRegistryErrors(response.body);
  if (!errors.empty()) text += " " + errors;
  return text;
}

std::optional<double> ParseRetryAfter(const std::string& value, std::time_t now) {
  std::string v = Trim(value, " \t");
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos) {
    if (v.size() > 9) return 1e9;
    return std::stod(v);
  }
  struct tm tm = {};
  const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end) return std::nullopt;
  double delta = std::difftime(timegm(&tm), now);
  return delta < 0 ? 0 : delta;
}

std::optional<double> RetryAfter(const HttpResponse& response) {
  std::string value = response.Header("retry-after");
  if (value.empty()) return std::nullopt;
  return ParseRetryAfter(value, std::time(nullptr));
}

void ThrowIfRetryable(const HttpResponse& r, const std::string& prefix) {
  if (IsRetryableStatus(r.status)) throw RetryableStatus{prefix + StatusText(r), RetryAfter(r)};
}

double BackoffSeconds(const RetryPolicy& policy, int failures, std::optional<double> retry_after,
                      double jitter) {
  if (retry_after) return std::min(std::max(*retry_after, 0.0), policy.max_retry_after);
  return policy.base_seconds * std::pow(2.0, failures - 1) * (1.0 + jitter);
}

Backoff::Backoff(const RetryPolicy& policy, std::string registry)
    : policy_(policy), registry_(std::move(registry)) {}

void Backoff::Wait(const std::string& reason, std::optional<double> retry_after) {
  if (++failures_ >= policy_.attempts)
    Fail("registry {}: {} after {} attempts", registry_, reason, failures_);
  // Up to 25% more, so that many clients do not retry in step.
  static thread_local std::mt19937 random{std::random_device{}()};
  double jitter = retry_after ? 0 : std::uniform_real_distribution<double>(0, 0.25)(random);
  double wait = BackoffSeconds(policy_, failures_, retry_after, jitter);
  std::this_thread::sleep_for(std::chrono::duration<double>(wait));
}

HttpRequest MakeRequest(const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  return r;
}

void RemoveHeader(HttpHeaders* headers, const std::string& name) {
  HttpHeaders kept;
  for (auto& h : *headers)
    if (ToLower(h.first) != name) kept.push_back(h);
  *headers = kept;
}

RegistryTransport::RegistryTransport(std::string registry, const RegistryOptions& options)
    : registry_(std::move(registry)),
      api_host_(RegistryApiHost(registry_)),
      options_(options),
      http_(options_.ca_file) {}

std::string RegistryTransport::Url(const std::string& path_or_url) const {
  return StartsWith(path_or_url, "/") ? base_url_ + path_or_url : path_or_url;
}

void RegistryTransport::UseBaseUrl(const std::string& base_url) {
  base_url_ = base_url;
  authority_ = ParseUrl(base_url + "/").authority;
}

HttpResponse RegistryTransport::ProbeOnce(bool insecure, std::string* base) {
  *base = "https://" + api_host_;
  HttpRequest probe = MakeRequest("GET", *base + "/v2/");
  if (insecure) probe.connect_timeout = kTlsProbeSeconds;
  try {
    return http_.Perform(probe);
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::kTls && !insecure)
      Fail("registry {}: {} (if it serves plain http, mark it with --insecure-registry {})",
           registry_, e.what(), registry_);
    // An insecure registry that does not speak TLS (it failed the handshake,
    // or never answered it): plain http.
    if (!insecure || (e.kind() != HttpError::kTls && e.kind() != HttpError::kTimeout)) throw;
  }
  *base = "http://" + api_host_;
  return http_.Perform(MakeRequest("GET", *base + "/v2/"));
}

HttpResponse RegistryTransport::Probe() {
  const bool insecure = options_.IsInsecure(registry_);
  return WithRetries(options_.retry, registry_, [&](int) {
    std::string base;
    HttpResponse r = ProbeOnce(insecure, &base);
    ThrowIfRetryable(r);
    if (r.status != 401 && !IsSuccess(r.status))
      Fail("registry {}: GET /v2/: {} (not an OCI distribution registry?)", registry_,
           StatusText(r));
    UseBaseUrl(base);
    return r;
  });
}

HttpRequest RegistryTransport::Redirected(HttpRequest request, const HttpResponse& response) const {
  std::string next = ResolveUrl(request.url, response.Header("location"));
  UrlParts from = ParseUrl(request.url), to = ParseUrl(next);
  if (to.scheme != "https" && to.scheme != "http")
    Fail("registry {}: refusing a redirect to {}", registry_, next.substr(0, 200));
  if (from.scheme == "https" && to.scheme == "http" && !options_.IsInsecure(to.authority))
    Fail("registry {}: refusing a redirect from https to plain http ({})", registry_,
         to.authority);
  // Another host (blob storage, a CDN) gets no credentials of ours.
  if (to.authority != authority_) RemoveHeader(&request.headers, "authorization");
  if (response.status == 303 && request.method != "HEAD") {
    request.method = "GET";
    request.has_body = false;
  }
  request.url = next;
  return request;
}

HttpResponse RegistryTransport::Follow(HttpRequest request) {
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    HttpResponse r = http_.Perform(request);
    if (!IsRedirect(r.status) || r.Header("location").empty()) return r;
    request = Redirected(std::move(request), r);
  }
  Fail("registry {}: more than {} redirects", registry_, kMaxRedirects);
}

}  // namespace ocimake
