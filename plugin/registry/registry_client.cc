#include "registry/registry_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <random>
#include <thread>

#include "base/error.h"
#include "base/progress.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"
#include "registry/registry_credentials.h"

namespace ocimake {

namespace {

constexpr int kMaxRedirects = 5;
constexpr long kTlsProbeSeconds = 10;  // https first, for an insecure registry
constexpr char kManifestAccept[] =
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// A retryable answer inside an upload or a download, whose loop owns the
// attempt count (so requests inside it are not retried twice over).
struct RetryableStatus {
  std::string reason;
  std::optional<double> retry_after;
};

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
}

bool IsSuccess(long status) { return status >= 200 && status < 300; }

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string StatusText(const HttpResponse& r) {
  std::string text = "HTTP " + std::to_string(r.status);
  std::string errors = DescribeRegistryErrors(r.body);
  if (!errors.empty()) text += " " + errors;
  return text;
}

std::optional<double> RetryAfter(const HttpResponse& r) {
  std::string value = r.Header("retry-after");
  if (value.empty()) return std::nullopt;
  return ParseRetryAfter(value, std::time(nullptr));
}

std::string MediaTypeOf(const std::string& content_type) {
  std::string mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && mt.back() == ' ') mt.pop_back();
  return mt;
}

std::string Short(const Digest& d) { return d.str().substr(0, 19); }

std::string PullScope(const std::string& repo) { return "repository:" + repo + ":pull"; }
std::string PushScope(const std::string& repo) { return "repository:" + repo + ":pull,push"; }

void CheckRepo(const std::string& repo) {
  if (!IsValidRepository(repo)) Fail("invalid repository name '{}'", repo.substr(0, 300));
}

void CheckReference(const std::string& reference) {
  if (!IsValidTag(reference) && !Digest::IsValid(reference))
    Fail("invalid tag or digest '{}'", reference.substr(0, 300));
}

// Counts failed attempts and sleeps between them; the last one fails.
class Backoff {
 public:
  Backoff(const RetryPolicy& policy, const std::string& registry)
      : policy_(policy), registry_(registry) {}

  void Retry(const std::string& reason, std::optional<double> retry_after = std::nullopt) {
    if (++failures_ >= policy_.attempts)
      Fail("registry {}: {} after {} attempts", registry_, reason, failures_);
    double wait = policy_.base_seconds * std::pow(2.0, failures_ - 1);
    if (retry_after) {
      wait = std::min(std::max(*retry_after, 0.0), policy_.max_retry_after);
    } else {
      // Up to 25% more, so that many clients do not retry in step.
      static thread_local std::mt19937 random{std::random_device{}()};
      wait *= 1.0 + std::uniform_real_distribution<double>(0, 0.25)(random);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }

 private:
  RetryPolicy policy_;
  std::string registry_;
  int failures_ = 0;
};

HttpRequest Request(const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  return r;
}

void RemoveHeader(HttpHeaders* headers, const std::string& name) {
  HttpHeaders kept;
  for (auto& h : *headers) {
    std::string lower = h.first;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != name) kept.push_back(h);
  }
  *headers = kept;
}

// "0-1234" -> 1235 (bytes the registry holds); nullopt when unparseable.
std::optional<uint64_t> RangeEnd(const std::string& range) {
  std::string r = range.rfind("bytes=", 0) == 0 ? range.substr(6) : range;
  size_t dash = r.find('-');
  if (dash == std::string::npos || dash + 1 >= r.size()) return std::nullopt;
  char* end = nullptr;
  unsigned long long last = std::strtoull(r.c_str() + dash + 1, &end, 10);
  if (*end) return std::nullopt;
  return last + 1;
}

// A blob file read in chunks, hashed once, in order, as it is read.
class ChunkReader {
 public:
  ChunkReader(const std::string& path, const Descriptor& d) : path_(path), d_(d) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) FailErrno("opening " + path);
  }
  ~ChunkReader() { close(fd_); }

  std::string Read(uint64_t offset, uint64_t size) {
    std::string buf(size, '\0');
    uint64_t done = 0;
    while (done < size) {
      ssize_t n = pread(fd_, buf.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) FailErrno("reading " + path_);
      if (n == 0) Fail("{}: size mismatch: expected {} bytes, the file is shorter", path_, d_.size);
      done += static_cast<uint64_t>(n);
    }
    if (offset <= hashed_ && offset + size > hashed_) {
      hash_.Update(buf.data() + (hashed_ - offset), offset + size - hashed_);
      hashed_ = offset + size;
    }
    return buf;
  }

  // After the last chunk: fails unless the bytes sent are the blob's.
  void Verify() {
    if (hashed_ != static_cast<uint64_t>(d_.size)) return;  // resumed: the registry checks
    char extra;
    if (pread(fd_, &extra, 1, d_.size) == 1)
      Fail("{}: size mismatch: expected {} bytes, the file is longer", path_, d_.size);
    Digest got = hash_.Finish();
    if (got != d_.digest)
      Fail("{}: digest mismatch: expected {} got {}", path_, d_.digest.str(), got.str());
  }

 private:
  std::string path_;
  Descriptor d_;
  int fd_ = -1;
  Sha256 hash_;
  uint64_t hashed_ = 0;
};

}  // namespace

std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& header) {
  std::vector<AuthChallenge> out;
  size_t i = 0, n = header.size();
  auto skip_ws = [&] {
    while (i < n && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  auto token = [&] {
    size_t start = i;
    while (i < n && header[i] != ' ' && header[i] != '\t' && header[i] != ',' &&
           header[i] != '=' && header[i] != '"')
      ++i;
    return header.substr(start, i - start);
  };
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  while (i < n) {
    while (i < n && (header[i] == ' ' || header[i] == '\t' || header[i] == ',')) ++i;
    std::string scheme = token();
    if (scheme.empty()) {
      ++i;  // stray character: skip it
      continue;
    }
    AuthChallenge c{lower(scheme), {}};
    for (;;) {
      skip_ws();
      size_t save = i;
      std::string name = token();
      skip_ws();
      if (name.empty() || i >= n || header[i] != '=') {
        i = save;  // not a parameter: the next challenge (or a token68, ignored)
        break;
      }
      ++i;  // '='
      skip_ws();
      std::string value;
      if (i < n && header[i] == '"') {
        ++i;
        while (i < n && header[i] != '"') {
          if (header[i] == '\\' && i + 1 < n) ++i;
          value += header[i++];
        }
        if (i < n) ++i;  // closing quote
      } else {
        value = token();
      }
      c.params[lower(name)] = value;
      skip_ws();
      if (i < n && header[i] == ',') {
        ++i;
        // A parameter follows unless the next thing is "scheme " (a new challenge).
        skip_ws();
        size_t look = i;
        std::string next = token();
        skip_ws();
        bool param = !next.empty() && i < n && header[i] == '=';
        i = look;
        if (!param) break;
        continue;
      }
      break;
    }
    out.push_back(c);
  }
  return out;
}

std::optional<double> ParseRetryAfter(const std::string& value, std::time_t now) {
  std::string v = value;
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
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

RegistryOptions RegistryOptions::FromEnvironment() {
  RegistryOptions o;
  if (const char* ca = std::getenv("OCIMAKE_CA_FILE"); ca && *ca) o.ca_file = ca;
  if (const char* list = std::getenv("OCIMAKE_INSECURE_REGISTRIES"); list && *list) {
    std::string s = list;
    size_t start = 0;
    for (;;) {
      size_t comma = s.find(',', start);
      std::string item = s.substr(start, comma - start);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      if (!item.empty()) o.insecure.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  o.credentials = LookupCredentials;
  return o;
}

bool RegistryOptions::IsInsecure(const std::string& registry) const {
  std::string host = registry;
  if (!host.empty() && host[0] == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host == "localhost" || host == "127.0.0.1" || host == "[::1]") return true;
  for (const auto& i : insecure)
    if (i == registry || i == host) return true;
  return false;
}

RegistryClient::RegistryClient(std::string registry, RegistryOptions options)
    : registry_(std::move(registry)),
      api_host_(RegistryApiHost(registry_)),
      options_(std::move(options)),
      http_(options_.ca_file) {
  if (!IsValidRegistryHost(registry_)) Fail("invalid registry host '{}'", registry_);
  if (!options_.credentials) options_.credentials = LookupCredentials;
}

const Credentials& RegistryClient::credentials() {
  if (!credentials_)
    credentials_ = WithContext("credentials for " + registry_,
                               [&] { return options_.credentials(registry_); });
  return *credentials_;
}

void RegistryClient::Ping() {
  if (!base_url_.empty()) return;
  const bool insecure = options_.IsInsecure(registry_);
  Backoff backoff(options_.retry, registry_);
  for (;;) {
    std::string base = "https://" + api_host_;
    try {
      HttpResponse r;
      HttpRequest probe = Request("GET", base + "/v2/");
      if (insecure) probe.connect_timeout = kTlsProbeSeconds;
      try {
        r = http_.Perform(probe);
      } catch (const HttpError& e) {
        // An insecure registry that does not speak TLS (it failed the
        // handshake, or never answered it): plain http.
        if (!insecure || (e.kind() != HttpError::kTls && e.kind() != HttpError::kTimeout)) throw;
        base = "http://" + api_host_;
        r = http_.Perform(Request("GET", base + "/v2/"));
      }
      if (IsRetryableStatus(r.status)) {
        backoff.Retry(StatusText(r), RetryAfter(r));
        continue;
      }
      base_url_ = base;
      authority_ = ParseUrl(base + "/").authority;
      if (r.status == 401) {
        if (!LearnChallenge(r))
          Fail("registry {}: 401 without a Basic or Bearer challenge", registry_);
      } else if (IsSuccess(r.status)) {
        scheme_ = Scheme::kNone;
      } else {
        base_url_.clear();
        Fail("registry {}: GET /v2/: {} (not an OCI distribution registry?)", registry_,
             StatusText(r));
      }
      return;
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::kTls && !insecure)
        Fail("registry {}: {} (if it serves plain http, mark it with --insecure-registry {})",
             registry_, e.what(), registry_);
      if (!e.transient()) Fail("registry {}: {}", registry_, e.what());
      backoff.Retry(e.what());
    }
  }
}

bool RegistryClient::LearnChallenge(const HttpResponse& response) {
  bool basic = false;
  for (const auto& header : response.HeaderValues("www-authenticate")) {
    for (const auto& c : ParseWwwAuthenticate(header)) {
      if (c.scheme == "bearer" && c.params.count("realm")) {
        scheme_ = Scheme::kBearer;
        realm_ = c.params.at("realm");
        service_ = c.params.count("service") ? c.params.at("service") : "";
        return true;
      }
      if (c.scheme == "basic") basic = true;
    }
  }
  if (basic) scheme_ = Scheme::kBasic;
  return basic;
}

void RegistryClient::FailUnauthorized(const HttpResponse& response) {
  std::string detail = DescribeRegistryErrors(response.body);
  if (detail.rfind("UNAUTHORIZED: ", 0) == 0) detail = detail.substr(14);
  const Credentials& c = credentials();
  std::string who = c.empty() ? "no credentials found; ocimake login " + registry_
                              : c.username.empty() ? "with an identity token"
                                                   : "as user " + c.username;
  Fail("registry {}: unauthorized{} ({})", registry_, detail.empty() ? "" : ": " + detail, who);
}

void RegistryClient::FailStatus(const HttpResponse& response, const std::string& what) {
  if (response.status == 401) FailUnauthorized(response);
  Fail("registry {}: {}: {}", registry_, what, StatusText(response));
}

std::string RegistryClient::FetchToken(const std::string& scope, std::chrono::seconds* lifetime) {
  UrlParts realm = WithContext("registry " + registry_ + ": token realm", [&] {
    return ParseUrl(realm_);
  });
  bool same_host = realm.authority == authority_;
  if (realm.scheme != "https" &&
      !(realm.scheme == "http" && same_host && options_.IsInsecure(registry_)))
    Fail("registry {}: refusing the token realm {}: a realm on another host must use https",
         registry_, realm_);
  std::string url = realm_;
  if (!service_.empty()) url = AddQuery(url, "service", service_);
  size_t start = 0;
  while (start < scope.size()) {
    size_t space = scope.find(' ', start);
    std::string one = scope.substr(start, space - start);
    if (!one.empty()) url = AddQuery(url, "scope", one);
    if (space == std::string::npos) break;
    start = space + 1;
  }
  const Credentials& c = credentials();
  HttpRequest request = Request("GET", url);
  std::string form;
  if (!c.identity_token.empty()) {
    // OAuth2 refresh-token grant, as docker does with an identity token.
    request.method = "POST";
    form = "grant_type=refresh_token&client_id=ocimake&refresh_token=" +
           PercentEncode(c.identity_token);
    if (!service_.empty()) form += "&service=" + PercentEncode(service_);
    if (!scope.empty()) form += "&scope=" + PercentEncode(scope);
    request.url = realm_;
    request.has_body = true;
    request.body = form;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else if (!c.username.empty() || !c.password.empty()) {
    request.headers.emplace_back("Authorization",
                                 "Basic " + Base64Encode(c.username + ":" + c.password));
  }
  Backoff backoff(options_.retry, registry_);
  for (;;) {
    HttpResponse r;
    try {
      r = http_.Perform(request);
    } catch (const HttpError& e) {
      if (!e.transient()) Fail("registry {}: token server {}: {}", registry_, realm.authority, e.what());
      backoff.Retry("token server " + realm.authority + ": " + e.what());
      continue;
    }
    if (IsRetryableStatus(r.status)) {
      backoff.Retry("token server " + realm.authority + ": " + StatusText(r), RetryAfter(r));
      continue;
    }
    if (r.status == 401 || r.status == 403)
      Fail("registry {}: unauthorized: the token server {} refused {} ({})", registry_,
           realm.authority,
           c.empty() ? "anonymous access (ocimake login " + registry_ + ")"
                     : c.username.empty() ? "the identity token" : "the credentials of " + c.username,
           StatusText(r));
    if (!IsSuccess(r.status))
      Fail("registry {}: token server {}: {}", registry_, realm.authority, StatusText(r));
    TokenResponse t = ParseTokenResponse(r.body, "registry " + registry_ + ": token reply");
    // Renewed a little before it runs out; 60 s when the server does not say.
    int64_t seconds = t.expires_in > 0 ? t.expires_in : 60;
    *lifetime = std::chrono::seconds(seconds > 20 ? seconds - 10 : seconds);
    return t.token;
  }
}

std::string RegistryClient::BearerToken(const std::string& scope, bool renew) {
  auto now = std::chrono::steady_clock::now();
  auto it = tokens_.find(scope);
  if (!renew && it != tokens_.end() && now < it->second.expiry) return it->second.value;
  std::chrono::seconds lifetime{};
  std::string token = FetchToken(scope, &lifetime);
  tokens_[scope] = Token{token, now + lifetime};
  return token;
}

void RegistryClient::Authorize(HttpRequest* request, const std::string& scope, bool renew) {
  // Credentials and tokens go to the registry's own host only.
  if (ParseUrl(request->url).authority != authority_) return;
  RemoveHeader(&request->headers, "authorization");
  if (scheme_ == Scheme::kBasic) {
    const Credentials& c = credentials();
    if (!c.username.empty() || !c.password.empty())
      request->headers.emplace_back("Authorization",
                                    "Basic " + Base64Encode(c.username + ":" + c.password));
  } else if (scheme_ == Scheme::kBearer) {
    std::string token = BearerToken(scope, renew);
    if (!token.empty()) request->headers.emplace_back("Authorization", "Bearer " + token);
  }
}

HttpResponse RegistryClient::Follow(HttpRequest request) {
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    HttpResponse r = http_.Perform(request);
    std::string location = r.Header("location");
    if (!IsRedirect(r.status) || location.empty()) return r;
    std::string next = ResolveUrl(request.url, location);
    UrlParts from = ParseUrl(request.url), to = ParseUrl(next);
    if (to.scheme != "https" && to.scheme != "http")
      Fail("registry {}: refusing a redirect to {}", registry_, next.substr(0, 200));
    if (from.scheme == "https" && to.scheme == "http" && !options_.IsInsecure(to.authority))
      Fail("registry {}: refusing a redirect from https to plain http ({})", registry_,
           to.authority);
    // Another host (blob storage, a CDN) gets no credentials of ours.
    if (to.authority != authority_) RemoveHeader(&request.headers, "authorization");
    if (r.status == 303 && request.method != "HEAD") {
      request.method = "GET";
      request.has_body = false;
    }
    request.url = next;
  }
  Fail("registry {}: more than {} redirects", registry_, kMaxRedirects);
}

HttpResponse RegistryClient::Exchange(const HttpRequest& request, const std::string& scope) {
  Ping();
  bool sent_basic = false;
  for (int round = 0;; ++round) {
    HttpRequest r = request;
    if (r.url.rfind("/", 0) == 0) r.url = Url(r.url);
    Authorize(&r, scope, round > 0);
    sent_basic = scheme_ == Scheme::kBasic &&
                 std::any_of(r.headers.begin(), r.headers.end(),
                             [](const auto& h) { return h.first == "Authorization"; });
    HttpResponse response = Follow(std::move(r));
    if (response.status != 401) return response;
    if (round > 0 || !LearnChallenge(response)) FailUnauthorized(response);
    if (scheme_ == Scheme::kBasic && (sent_basic || credentials().empty()))
      FailUnauthorized(response);
  }
}

HttpResponse RegistryClient::Send(const HttpRequest& request, const std::string& scope) {
  Backoff backoff(options_.retry, registry_);
  for (;;) {
    try {
      HttpResponse r = Exchange(request, scope);
      if (!IsRetryableStatus(r.status)) return r;
      backoff.Retry(StatusText(r), RetryAfter(r));
    } catch (const HttpError& e) {
      if (!e.transient()) Fail("registry {}: {}", registry_, e.what());
      backoff.Retry(e.what());
    }
  }
}

std::optional<Descriptor> RegistryClient::HeadManifest(const std::string& repo,
                                                       const std::string& reference) {
  CheckRepo(repo);
  CheckReference(reference);
  HttpRequest request = Request("HEAD", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", kManifestAccept);
  HttpResponse r = Send(request, PullScope(repo));
  if (r.status == 404) return std::nullopt;
  if (!IsSuccess(r.status)) FailStatus(r, "HEAD manifest " + repo + ":" + reference);
  Descriptor d;
  d.media_type = MediaTypeOf(r.Header("content-type"));
  std::string digest = r.Header("docker-content-digest");
  if (Digest::IsValid(digest)) d.digest = Digest::Parse(digest);
  std::string length = r.Header("content-length");
  if (!length.empty() && length.find_first_not_of("0123456789") == std::string::npos &&
      length.size() < 12)
    d.size = std::stoll(length);
  return d;
}

ManifestBytes RegistryClient::GetManifest(const std::string& repo, const std::string& reference) {
  CheckRepo(repo);
  CheckReference(reference);
  std::string what = "manifest " + repo + (Digest::IsValid(reference) ? "@" : ":") + reference;
  HttpRequest request = Request("GET", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", kManifestAccept);
  request.max_body = kMaxJsonBytes + 1;
  HttpResponse r = Send(request, PullScope(repo));
  if (r.status == 404) Fail("registry {}: {}: not found", registry_, what);
  if (!IsSuccess(r.status)) FailStatus(r, "GET " + what);
  if (r.body.size() > kMaxJsonBytes)
    Fail("registry {}: {}: larger than the limit of {} bytes", registry_, what, kMaxJsonBytes);
  ManifestBytes m;
  m.body = r.body;
  m.descriptor.digest = Digest::Of(m.body);
  m.descriptor.size = static_cast<int64_t>(m.body.size());
  if (Digest::IsValid(reference) && m.descriptor.digest.str() != reference)
    Fail("registry {}: {}: digest mismatch: expected {} got {}", registry_, what, reference,
         m.descriptor.digest.str());
  std::string claimed = r.Header("docker-content-digest");
  if (Digest::IsValid(claimed) && claimed != m.descriptor.digest.str())
    Fail("registry {}: {}: digest mismatch: expected {} got {}", registry_, what, claimed,
         m.descriptor.digest.str());
  std::string sniffed = SniffMediaType(m.body, "registry " + registry_ + ": " + what);
  m.descriptor.media_type = sniffed.empty() ? MediaTypeOf(r.Header("content-type")) : sniffed;
  return m;
}

void RegistryClient::PutManifest(const std::string& repo, const std::string& reference,
                                 const Descriptor& descriptor, const std::string& body) {
  CheckRepo(repo);
  CheckReference(reference);
  HttpRequest request = Request("PUT", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Content-Type", descriptor.media_type);
  request.has_body = true;
  request.body = body;
  HttpResponse r = Send(request, PushScope(repo));
  if (!IsSuccess(r.status)) FailStatus(r, "PUT manifest " + repo + ":" + reference);
  std::string claimed = r.Header("docker-content-digest");
  if (Digest::IsValid(claimed) && claimed != descriptor.digest.str())
    Fail("registry {}: PUT manifest {}:{}: the registry stored digest {}, expected {}",
         registry_, repo, reference, claimed, descriptor.digest.str());
}

bool RegistryClient::HasBlob(const std::string& repo, const Digest& digest) {
  CheckRepo(repo);
  HttpResponse r =
      Send(Request("HEAD", "/v2/" + repo + "/blobs/" + digest.str()), PullScope(repo));
  if (r.status == 404) return false;
  if (!IsSuccess(r.status)) FailStatus(r, "HEAD blob " + digest.str());
  return true;
}

void RegistryClient::PullBlob(const std::string& repo, const Descriptor& d,
                              const OciLayout& into) {
  CheckRepo(repo);
  Progress progress("pulling " + Short(d.digest));
  std::unique_ptr<BlobWriter> writer = into.NewBlobWriter();
  int64_t have = 0;
  Backoff backoff(options_.retry, registry_);
  for (;;) {
    HttpRequest request = Request("GET", "/v2/" + repo + "/blobs/" + d.digest.str());
    if (have > 0) request.headers.emplace_back("Range", "bytes=" + std::to_string(have) + "-");
    request.on_response = [&](const HttpResponse& head) {
      if (head.status == 206) {
        std::string range = head.Header("content-range");
        if (range.rfind("bytes " + std::to_string(have) + "-", 0) != 0)
          Fail("registry {}: blob {}: asked for bytes from {}, got Content-Range '{}'",
               registry_, d.digest.str(), have, range.substr(0, 100));
      } else if (IsSuccess(head.status) && have > 0) {
        writer = into.NewBlobWriter();  // the whole blob again: start over
        have = 0;
      }
    };
    request.sink = [&](const char* data, size_t size) {
      if (have + static_cast<int64_t>(size) > d.size)
        Fail("blob {}: size mismatch: the registry sent more than the {} bytes of the "
             "descriptor", d.digest.str(), d.size);
      writer->Write(data, size);
      have += static_cast<int64_t>(size);
      progress.Update(static_cast<uint64_t>(have));
    };
    try {
      HttpResponse r = Exchange(request, PullScope(repo));
      if (IsSuccess(r.status)) break;
      if (IsRetryableStatus(r.status)) {
        backoff.Retry("GET blob " + Short(d.digest) + ": " + StatusText(r), RetryAfter(r));
        continue;
      }
      if (r.status == 404) Fail("registry {}: blob {} not found in {}", registry_, d.digest.str(), repo);
      FailStatus(r, "GET blob " + d.digest.str());
    } catch (const HttpError& e) {
      if (!e.transient()) Fail("registry {}: {}", registry_, e.what());
      if (have == d.size) break;  // every byte arrived: Commit() verifies them
      backoff.Retry(e.what());
    }
  }
  writer->Commit(d.media_type, &d);
}

RegistryClient::Pushed RegistryClient::PushBlob(const std::string& repo, const Descriptor& d,
                                                const OciLayout& from,
                                                const std::vector<std::string>& mount_from) {
  CheckRepo(repo);
  std::string scope = PushScope(repo);
  HttpResponse head =
      Send(Request("HEAD", "/v2/" + repo + "/blobs/" + d.digest.str()), scope);
  if (IsSuccess(head.status)) return Pushed::kExisted;
  if (head.status != 404) FailStatus(head, "HEAD blob " + d.digest.str());
  std::string location;
  for (const auto& other : mount_from) {
    if (other == repo || !IsValidRepository(other)) continue;
    std::string url = AddQuery(AddQuery("/v2/" + repo + "/blobs/uploads/", "mount",
                                        d.digest.str()), "from", other);
    HttpRequest request = Request("POST", url);
    request.has_body = true;
    HttpResponse r = Send(request, scope + " " + PullScope(other));
    if (r.status == 201) return Pushed::kMounted;
    if (r.status == 202 && !r.Header("location").empty()) {
      // Not mounted, but an upload session was opened: use it.
      location = ResolveUrl(Url(url), r.Header("location"));
      break;
    }
  }
  UploadBlob(repo, d, from, location);
  return Pushed::kUploaded;
}

namespace {

// Fails on an answer that is neither a success nor worth another attempt;
// throws RetryableStatus on one that is.
void CheckUploadAnswer(const HttpResponse& r, const std::string& what,
                       const std::function<void()>& fail) {
  if (IsSuccess(r.status)) return;
  if (IsRetryableStatus(r.status)) throw RetryableStatus{what + ": " + StatusText(r), RetryAfter(r)};
  fail();
}

}  // namespace

// An upload session: where to send the next bytes, and how many the
// registry holds.
struct RegistryClient::Upload {
  std::string location;
  uint64_t offset = 0;
};

void RegistryClient::StartUpload(const std::string& repo, Upload* upload) {
  std::string url = "/v2/" + repo + "/blobs/uploads/";
  HttpRequest start = Request("POST", url);
  start.has_body = true;
  HttpResponse r = Exchange(start, PushScope(repo));
  CheckUploadAnswer(r, "POST " + url, [&] { FailStatus(r, "POST " + url); });
  if (r.Header("location").empty())
    Fail("registry {}: POST {}: no Location in the answer", registry_, url);
  upload->location = ResolveUrl(Url(url), r.Header("location"));
  upload->offset = 0;
}

void RegistryClient::QueryUpload(const std::string& repo, Upload* upload) {
  HttpResponse r = Exchange(Request("GET", upload->location), PushScope(repo));
  if (IsRetryableStatus(r.status))
    throw RetryableStatus{"upload status: " + StatusText(r), RetryAfter(r)};
  if (!IsSuccess(r.status)) {
    upload->location.clear();  // the session is gone (a restarted registry): start again
    return;
  }
  upload->offset = RangeEnd(r.Header("range")).value_or(0);
  if (!r.Header("location").empty())
    upload->location = ResolveUrl(upload->location, r.Header("location"));
}

void RegistryClient::SendChunk(const std::string& repo, const std::string& chunk,
                               Upload* upload, Progress* progress) {
  HttpRequest patch = Request("PATCH", upload->location);
  patch.headers.emplace_back("Content-Type", "application/octet-stream");
  patch.headers.emplace_back("Content-Range", std::to_string(upload->offset) + "-" +
                                                  std::to_string(upload->offset + chunk.size() - 1));
  patch.has_body = true;
  patch.body = chunk;
  const uint64_t offset = upload->offset;
  patch.progress = [&](uint64_t sent, uint64_t) { progress->Update(offset + sent); };
  HttpResponse r = Exchange(patch, PushScope(repo));
  if (r.status == 416) {
    // The registry holds another length than we think: a fresh session.
    upload->location.clear();
    throw RetryableStatus{"PATCH: " + StatusText(r), std::nullopt};
  }
  CheckUploadAnswer(r, "PATCH", [&] { FailStatus(r, "PATCH " + repo + " upload"); });
  if (!r.Header("location").empty())
    upload->location = ResolveUrl(upload->location, r.Header("location"));
  upload->offset = RangeEnd(r.Header("range")).value_or(offset + chunk.size());
}

void RegistryClient::UploadBlob(const std::string& repo, const Descriptor& d,
                                const OciLayout& from, std::string location) {
  const std::string scope = PushScope(repo);
  const uint64_t size = static_cast<uint64_t>(d.size);
  const bool chunked = size >= options_.chunk_threshold;
  std::string whole;  // a small blob, read (and verified) once
  if (!chunked) from.ReadBlob(d, [&](const char* p, size_t n) { whole.append(p, n); });
  ChunkReader reader(from.BlobPath(d.digest), d);
  Progress progress("pushing " + Short(d.digest));
  Backoff backoff(options_.retry, registry_);
  Upload upload{location, 0};
  bool resume = false;  // after a failure: ask the registry where it stands
  for (;;) {
    try {
      if (resume) {
        resume = false;
        // The last answer may have been lost after the registry stored it.
        HttpResponse head =
            Exchange(Request("HEAD", "/v2/" + repo + "/blobs/" + d.digest.str()), scope);
        if (IsSuccess(head.status)) return;
        if (chunked && !upload.location.empty()) {
          QueryUpload(repo, &upload);
        } else {
          upload.location.clear();
        }
      }
      if (upload.location.empty()) StartUpload(repo, &upload);
      while (chunked && upload.offset < size) {
        uint64_t length = std::min<uint64_t>(options_.chunk_size, size - upload.offset);
        SendChunk(repo, reader.Read(upload.offset, length), &upload, &progress);
      }
      if (chunked) reader.Verify();
      HttpRequest put = Request("PUT", AddQuery(upload.location, "digest", d.digest.str()));
      put.headers.emplace_back("Content-Type", "application/octet-stream");
      put.has_body = true;
      put.body = chunked ? std::string_view() : std::string_view(whole);
      if (!chunked) put.progress = [&](uint64_t sent, uint64_t) { progress.Update(sent); };
      HttpResponse r = Exchange(put, scope);
      CheckUploadAnswer(r, "PUT", [&] { FailStatus(r, "PUT blob " + d.digest.str()); });
      return;
    } catch (const HttpError& e) {
      if (!e.transient()) Fail("registry {}: {}", registry_, e.what());
      backoff.Retry(e.what());
      resume = true;
    } catch (const RetryableStatus& s) {
      backoff.Retry(s.reason, s.retry_after);
      resume = true;
    }
  }
}

void RegistryClient::CheckLogin() {
  Ping();
  if (scheme_ == Scheme::kBearer) {
    std::chrono::seconds lifetime{};
    FetchToken("", &lifetime);
  } else if (scheme_ == Scheme::kBasic) {
    HttpResponse r = Exchange(Request("GET", "/v2/"), "");
    if (!IsSuccess(r.status)) FailStatus(r, "GET /v2/");
  }
}

}  // namespace ocimake
