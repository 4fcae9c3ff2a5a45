#include "registry/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "base/strings.h"
#include "base/version.h"

namespace ocimake {

namespace {

constexpr long kConnectTimeoutSeconds = 30;
// A transfer that moves less than 1 byte/s for this long is dropped (and
// retried by the caller), so a hung registry cannot hang a build.
constexpr long kStallSeconds = 60;

struct Transfer {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
  size_t sent = 0;
  bool response_seen = false;
  bool to_sink = false;
  std::exception_ptr error;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {
    t->response->headers.clear();  // a new response (after 100 Continue)
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers.emplace_back(ToLower(Trim(line.substr(0, colon))),
                                      Trim(line.substr(colon + 1)));
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  try {
    if (!t->response_seen) {
      t->response_seen = true;
      long status = 0;
      curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
      t->response->status = status;
      t->to_sink = t->request->sink && status >= 200 && status < 300;
      if (t->request->on_response) t->request->on_response(*t->response);
    }
    if (t->to_sink) {
      t->request->sink(data, n);
    } else {
      std::string& body = t->response->body;
      size_t room = t->request->max_body - std::min(body.size(), t->request->max_body);
      body.append(data, std::min(n, room));
      if (n > room) {
        // Never read past the limit: the transfer stops here (Perform()
        // returns what arrived, marked truncated).
        t->response->body_truncated = true;
        return 0;
      }
    }
  } catch (...) {
    t->error = std::current_exception();
    return 0;  // aborts the transfer; the error is rethrown after curl returns
  }
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view body = t->request->body;
  size_t n = std::min(size * count, body.size() - t->sent);
  std::memcpy(buffer, body.data() + t->sent, n);
  t->sent += n;
  return n;
}

// Lets libcurl resend the body (a stale kept-alive connection, auth).
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > t->request->body.size())
    return CURL_SEEKFUNC_CANTSEEK;
  t->sent = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int OnProgress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto* t = static_cast<Transfer*>(user);
  try {
    t->request->progress(static_cast<uint64_t>(sent), static_cast<uint64_t>(received));
  } catch (...) {
    t->error = std::current_exception();
    return 1;
  }
  return 0;
}

HttpError TransportError(CURLcode rc, CURL* curl, const char* detail) {
  std::string text = *detail ? detail : curl_easy_strerror(rc);
  long os_errno = 0;
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED) return HttpError(HttpError::kConnect, "connection refused");
      return HttpError(HttpError::kConnect, "cannot connect: " + text);
    case CURLE_COULDNT_RESOLVE_HOST:
      return HttpError(HttpError::kConnect, "cannot resolve host: " + text);
    case CURLE_OPERATION_TIMEDOUT:
      return HttpError(HttpError::kTimeout, "timed out: " + text);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_UPLOAD_FAILED:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return HttpError(HttpError::kDropped, "connection dropped: " + text);
    case CURLE_SSL_CONNECT_ERROR:
      return HttpError(HttpError::kTls, "TLS handshake failed: " + text);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return HttpError(HttpError::kTlsVerify,
                       "TLS certificate not trusted: " + text +
                           " (give the registry's CA with --ca-file or OCIMAKE_CA_FILE)");
    default:
      return HttpError(HttpError::kOther, text + " (curl error " + std::to_string(rc) + ")");
  }
}

// The URL, protocols, timeouts, TLS trust and error buffer of one request.
void SetConnection(CURL* curl, const HttpRequest& request, const std::string& ca_file,
                   char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // the caller decides (credentials)
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   request.connect_timeout > 0 ? request.connect_timeout : kConnectTimeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "ocimake/" OCIMAKE_VERSION);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
}

// Headers and body into `t`, and the progress callback when one is asked for.
void SetCallbacks(CURL* curl, const HttpRequest& request, Transfer* t) {
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
  if (request.progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, t);
  }
}

// The method, and the body read from `t` for a request that has one.
void SetMethod(CURL* curl, const HttpRequest& request, Transfer* t) {
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.has_body) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, t);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, t);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (request.method != "PUT")
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// The request's headers, and an empty Expect (no 100-continue round trip).
curl_slist* HeaderList(const HttpRequest& request) {
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  return curl_slist_append(headers, "Expect:");
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) Fail("libcurl: cannot initialise");
  });
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

std::vector<std::string> HttpResponse::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == name) out.push_back(v);
  return out;
}

HttpClient::HttpClient(std::string ca_file) : ca_file_(std::move(ca_file)) {
  GlobalInit();
  curl_ = curl_easy_init();
  if (!curl_) Fail("libcurl: cannot create a handle");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::Perform(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  // Reset keeps the live connections, so consecutive requests reuse them.
  curl_easy_reset(curl);
  HttpResponse response;
  Transfer t{curl, &request, &response, 0, false, false, nullptr};
  char error_buffer[CURL_ERROR_SIZE] = "";
  SetConnection(curl, request, ca_file_, error_buffer);
  SetCallbacks(curl, request, &t);
  SetMethod(curl, request, &t);
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(HeaderList(request),
                                                             curl_slist_free_all);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = curl_easy_perform(curl);
  if (t.error) std::rethrow_exception(t.error);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && response.body_truncated))
    throw TransportError(rc, curl, error_buffer);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string NormalizeAuthority(const std::string& scheme, const std::string& host_port) {
  std::string a = ToLower(host_port);
  std::string default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (!default_port.empty() && a.size() > default_port.size() && EndsWith(a, default_port))
    a.resize(a.size() - default_port.size());
  return a;
}

namespace {

struct CurlUrl {
  CURLU* h = curl_url();
  ~CurlUrl() { curl_url_cleanup(h); }
  void Set(const std::string& url) {
    if (curl_url_set(h, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
      Fail("invalid URL '{}'", url.substr(0, 300));
  }
  std::string Get(CURLUPart part, unsigned flags = 0) const {
    char* value = nullptr;
    if (curl_url_get(h, part, &value, flags) != CURLUE_OK) return "";
    std::string out = value;
    curl_free(value);
    return out;
  }
};

}  // namespace

UrlParts ParseUrl(const std::string& url) {
  CurlUrl u;
  u.Set(url);
  UrlParts p;
  p.scheme = ToLower(u.Get(CURLUPART_SCHEME));
  std::string host = u.Get(CURLUPART_HOST), port = u.Get(CURLUPART_PORT);
  p.authority = NormalizeAuthority(p.scheme, port.empty() ? host : host + ":" + port);
  p.path = u.Get(CURLUPART_PATH);
  return p;
}

std::string ResolveUrl(const std::string& base, const std::string& relative) {
  CurlUrl u;
  u.Set(base);
  if (curl_url_set(u.h, CURLUPART_URL, relative.c_str(), 0) != CURLUE_OK)
    Fail("invalid Location '{}'", relative.substr(0, 300));
  return u.Get(CURLUPART_URL);
}

std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string AddQuery(const std::string& url, const std::string& key, const std::string& value) {
  std::string base = url.substr(0, url.find('#'));
  char sep = base.find('?') == std::string::npos ? '?' : '&';
  if (base.back() == '?' || base.back() == '&') sep = 0;
  std::string out = base;
  if (sep) out += sep;
  return out + PercentEncode(key) + "=" + PercentEncode(value);
}

}  // namespace ocimake
