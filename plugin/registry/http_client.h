// HTTP/1.1 exchanges over libcurl; the only file that includes <curl/curl.h>.
// It sends exactly what it is given: no redirect is followed and no
// credential is added here. The registry client decides both, so it can
// strip Authorization on a redirect to another host (registry_transport.h).
#ifndef OCIMAKE_REGISTRY_HTTP_CLIENT_H_
#define OCIMAKE_REGISTRY_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ocimake {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  bool has_body = false;  // PUT, PATCH and POST send `body` (maybe empty)
  std::string_view body;  // the caller keeps the bytes alive
  // Called once, with the status and headers, before the first byte of a
  // response body (so not at all for an empty body).
  std::function<void(const HttpResponse& head)> on_response;
  // When set, the body of a 2xx response streams here; any other body is
  // kept in HttpResponse::body, and the transfer stops after max_body bytes
  // (body_truncated is then set). The sink may throw an Error (a size
  // limit): the transfer stops and the Error propagates.
  std::function<void(const char* data, size_t size)> sink;
  size_t max_body = 1 << 20;
  long connect_timeout = 0;  // seconds to connect (and finish TLS); 0: 30
  // Bytes of the body sent and of the response received so far.
  std::function<void(uint64_t sent, uint64_t received)> progress;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lowercased, in order
  std::string body;
  bool body_truncated = false;
  // The first value of a header ("" when absent); `name` in lowercase.
  std::string Header(std::string_view name) const;
  std::vector<std::string> HeaderValues(std::string_view name) const;
};

// A failure below HTTP: no complete response arrived.
class HttpError : public Error {
 public:
  enum Kind {
    kConnect,    // connection refused, host unreachable, name not resolved
    kDropped,    // the connection broke mid-exchange
    kTimeout,    // no progress for too long
    kTls,        // the TLS handshake failed (e.g. the server speaks plain http)
    kTlsVerify,  // the server's certificate is not trusted
    kOther,
  };
  HttpError(Kind kind, const std::string& message) : Error(message), kind_(kind) {}
  Kind kind() const { return kind_; }
  // Worth another attempt after a pause.
  bool transient() const { return kind_ == kConnect || kind_ == kDropped || kind_ == kTimeout; }

 private:
  Kind kind_;
};

// One connection cache: requests run one at a time and reuse connections.
class HttpClient {
 public:
  // `ca_file`: PEM bundle of trusted CAs; empty: the system's.
  explicit HttpClient(std::string ca_file = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws HttpError when no complete response arrived.
  HttpResponse Perform(const HttpRequest& request);

 private:
  void* curl_;
  std::string ca_file_;
};

// URLs, parsed with libcurl's URL parser.
struct UrlParts {
  std::string scheme;     // "https"
  std::string authority;  // "host" or "host:port" (port left out when the default)
  std::string path;       // "/v2/"
};
UrlParts ParseUrl(const std::string& url);
// `relative` (a Location header) resolved against `base`.
std::string ResolveUrl(const std::string& base, const std::string& relative);
// Appends "key=value" (value percent-encoded) to the URL's query.
std::string AddQuery(const std::string& url, const std::string& key, const std::string& value);
// "host[:port]" without the scheme's default port, lowercased.
std::string NormalizeAuthority(const std::string& scheme, const std::string& host_port);
std::string PercentEncode(std::string_view text);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_HTTP_CLIENT_H_
