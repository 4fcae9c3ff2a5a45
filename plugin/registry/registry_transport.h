// Sending requests to one registry, below auth: where its API is (https
// first; plain http only for an insecure registry that does not speak TLS),
// redirects followed by rule, and every retry of the registry code, written
// once (WithRetries, Backoff):
//  - 408, 429 and 5xx (but 501 and 505) answers, and dropped connections,
//    refused connections and timeouts are worth another attempt;
//  - the waits grow 0.5 s, 1 s, 2 s (RetryPolicy), with up to 25% jitter; a
//    Retry-After is honoured instead, cut to RetryPolicy::max_retry_after;
//  - the last attempt fails naming the registry:
//    "registry 127.0.0.1:5000: connection refused after 4 attempts".
// Redirects: at most 5; only to http(s); from https to plain http only for
// an insecure host; Authorization is dropped on the way to another host; a
// 303 turns the request into a GET without a body (a HEAD stays a HEAD).
#ifndef OCIMAKE_REGISTRY_REGISTRY_TRANSPORT_H_
#define OCIMAKE_REGISTRY_REGISTRY_TRANSPORT_H_

#include <ctime>
#include <optional>
#include <string>

#include "registry/http_client.h"
#include "registry/registry_options.h"

namespace ocimake {

bool IsSuccess(long status);
bool IsRetryableStatus(long status);
bool IsRedirect(long status);
// "HTTP 404 MANIFEST_UNKNOWN: ..." (the registry's error list, when it sent one).
std::string StatusText(const HttpResponse& response);
// Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date,
// relative to `now`); nullopt when it is neither.
std::optional<double> ParseRetryAfter(const std::string& value, std::time_t now);
// The response's Retry-After, relative to now; nullopt when absent or unparseable.
std::optional<double> RetryAfter(const HttpResponse& response);

// Thrown inside an attempt of WithRetries to ask for another one.
struct RetryableStatus {
  std::string reason;                 // "HTTP 503", "PATCH: HTTP 416"
  std::optional<double> retry_after;  // the server's Retry-After, if any
};
// Throws RetryableStatus{prefix + StatusText(r), RetryAfter(r)} when `r` is
// worth another attempt; returns otherwise.
void ThrowIfRetryable(const HttpResponse& r, const std::string& prefix = "");

// The wait before the next attempt after `failures` failed ones:
// base_seconds * 2^(failures-1) * (1 + jitter), or the Retry-After cut to
// [0, max_retry_after] when there is one. `jitter` in [0, 0.25].
double BackoffSeconds(const RetryPolicy& policy, int failures, std::optional<double> retry_after,
                      double jitter);

// Counts failed attempts and sleeps between them; the last one fails.
class Backoff {
 public:
  Backoff(const RetryPolicy& policy, std::string registry);
  // Fails "registry R: <reason> after N attempts" when the policy's attempts
  // are spent; else sleeps BackoffSeconds (random jitter) and returns.
  void Wait(const std::string& reason, std::optional<double> retry_after = std::nullopt);

 private:
  RetryPolicy policy_;
  std::string registry_;
  int failures_ = 0;
};

// Calls attempt(n), n = 0, 1, ..., until one returns, and returns its value.
// An attempt asks for another by throwing RetryableStatus or a transient
// HttpError (Backoff::Wait between them, `label` before the HttpError's
// text in the reason); a non-transient HttpError fails at once:
// "registry R: <label><what>". Any other Error goes through untouched.
template <typename Attempt>
auto WithRetries(const RetryPolicy& policy, const std::string& registry, Attempt&& attempt,
                 const std::string& label = "") -> decltype(attempt(0)) {
  Backoff backoff(policy, registry);
  for (int n = 0;; ++n) {
    try {
      return attempt(n);
    } catch (const HttpError& e) {
      if (!e.transient()) Fail("registry {}: {}{}", registry, label, e.what());
      backoff.Wait(label + e.what());
    } catch (const RetryableStatus& s) {
      backoff.Wait(s.reason, s.retry_after);
    }
  }
}

// A request with its method and URL (absolute, or a path the client resolves).
HttpRequest MakeRequest(const std::string& method, const std::string& url);
// Removes every header called `name` (lowercase), whatever its case.
void RemoveHeader(HttpHeaders* headers, const std::string& name);

// The connection to one registry: its base URL once probed, and the
// redirect rules above. Requests run one at a time.
class RegistryTransport {
 public:
  // `registry` as in a reference ("127.0.0.1:5000", "docker.io").
  RegistryTransport(std::string registry, const RegistryOptions& options);

  const std::string& registry() const { return registry_; }
  bool probed() const { return !base_url_.empty(); }
  // "https://host[:port]" or "http://..." once probed.
  const std::string& base_url() const { return base_url_; }
  // The base URL's "host[:port]": where credentials may go.
  const std::string& authority() const { return authority_; }
  // `path_or_url` made absolute: "/v2/..." against the base URL.
  std::string Url(const std::string& path_or_url) const;

  // GET /v2/ over https, then (an insecure registry whose TLS handshake
  // failed or timed out) over http, with retries. Sets the base URL on a 2xx
  // or 401 answer and returns it; fails on any other, or suggests
  // --insecure-registry on a TLS failure of a registry not marked insecure.
  HttpResponse Probe();
  // Sets the base URL without a probe ("https://host:port").
  void UseBaseUrl(const std::string& base_url);

  // One request, sent as it is: no redirect followed, no retry.
  HttpResponse Perform(const HttpRequest& request) { return http_.Perform(request); }
  // One request with its redirects followed (no retry).
  HttpResponse Follow(HttpRequest request);
  // The request to send after the redirect `response` to `request`, by the
  // rules above; fails naming the registry on a refused one.
  HttpRequest Redirected(HttpRequest request, const HttpResponse& response) const;

 private:
  HttpResponse ProbeOnce(bool insecure, std::string* base);

  std::string registry_;
  std::string api_host_;
  RegistryOptions options_;
  HttpClient http_;
  std::string base_url_;
  std::string authority_;
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_TRANSPORT_H_
