#include "registry/registry_token.h"

#include "base/error.h"
#include "base/strings.h"
#include "oci/oci_json.h"
#include "registry/registry_credentials.h"

namespace ocimake {

namespace {

// A WWW-Authenticate value read left to right (RFC 7235's grammar, leniently).
class ChallengeParser {
 public:
  explicit ChallengeParser(const std::string& header) : h_(header) {}

  std::vector<AuthChallenge> Parse() {
    std::vector<AuthChallenge> out;
    while (i_ < h_.size()) {
      while (At(' ') || At('\t') || At(',')) ++i_;
      std::string scheme = Token();
      if (scheme.empty()) {
        ++i_;  // stray character: skip it
        continue;
      }
      AuthChallenge c{ToLower(scheme), {}};
      while (ParseParam(&c) && ParamFollows()) {
      }
      out.push_back(c);
    }
    return out;
  }

 private:
  bool At(char c) const { return i_ < h_.size() && h_[i_] == c; }
  void SkipWs() {
    while (At(' ') || At('\t')) ++i_;
  }
  std::string Token() {
    size_t start = i_;
    while (i_ < h_.size() && !At(' ') && !At('\t') && !At(',') && !At('=') && !At('"')) ++i_;
    return h_.substr(start, i_ - start);
  }
  // A quoted-string, from its opening quote; backslash escapes one character.
  std::string Quoted() {
    std::string value;
    ++i_;
    while (i_ < h_.size() && !At('"')) {
      if (At('\\') && i_ + 1 < h_.size()) ++i_;
      value += h_[i_++];
    }
    if (i_ < h_.size()) ++i_;  // closing quote
    return value;
  }
  // name=value into `c`; false, with nothing consumed, when no parameter is
  // next (the next challenge, or a token68, ignored).
  bool ParseParam(AuthChallenge* c) {
    SkipWs();
    size_t save = i_;
    std::string name = Token();
    SkipWs();
    if (name.empty() || !At('=')) {
      i_ = save;
      return false;
    }
    ++i_;  // '='
    SkipWs();
    c->params[ToLower(name)] = At('"') ? Quoted() : Token();
    return true;
  }
  // After a parameter: consumes the ',' and says whether a parameter follows
  // it, rather than "scheme " (a new challenge).
  bool ParamFollows() {
    SkipWs();
    if (!At(',')) return false;
    ++i_;
    SkipWs();
    size_t look = i_;
    std::string next = Token();
    SkipWs();
    bool param = !next.empty() && At('=');
    i_ = look;
    return param;
  }

  const std::string& h_;
  size_t i_ = 0;
};

std::string BasicAuthorization(const Credentials& c) {
  return "Basic " + Base64Encode(c.username + ":" + c.password);
}

bool HasPassword(const Credentials& c) { return !c.username.empty() || !c.password.empty(); }

}  // namespace

std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& header) {
  return ChallengeParser(header).Parse();
}

Authorizer::Authorizer(RegistryTransport& transport, const RegistryOptions& options)
    : transport_(transport), options_(options), registry_(transport.registry()) {}

const Credentials& Authorizer::credentials() {
  std::lock_guard<std::mutex> guard(shared_->mu);
  if (!shared_->credentials)
    shared_->credentials = WithContext("credentials for " + registry_,
                                       [&] { return options_.credentials(registry_); });
  return *shared_->credentials;
}

void Authorizer::ShareWith(const Authorizer& other) {
  scheme_ = other.scheme_;
  realm_ = other.realm_;
  service_ = other.service_;
  shared_ = other.shared_;
}

bool Authorizer::LearnChallenge(const HttpResponse& response) {
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

void Authorizer::FailUnauthorized(const HttpResponse& response) {
  std::string detail = DescribeRegistryErrors(response.body);
  if (StartsWith(detail, "UNAUTHORIZED: ")) detail = detail.substr(14);
  const Credentials& c = credentials();
  std::string who = c.empty() ? "no credentials found; ocimake login " + registry_
                              : c.username.empty() ? "with an identity token"
                                                   : "as user " + c.username;
  Fail("registry {}: unauthorized{} ({})", registry_, detail.empty() ? "" : ": " + detail, who);
}

void Authorizer::CheckUnauthorized(const HttpResponse& response, int round, bool sent_basic) {
  if (round > 0 || !LearnChallenge(response)) FailUnauthorized(response);
  if (scheme_ == Scheme::kBasic && (sent_basic || credentials().empty()))
    FailUnauthorized(response);
}

bool Authorizer::Authorize(HttpRequest* request, const std::string& scope, bool renew) {
  // Credentials and tokens go to the registry's own host only.
  if (ParseUrl(request->url).authority != transport_.authority()) return false;
  RemoveHeader(&request->headers, "authorization");
  if (scheme_ == Scheme::kBasic) {
    const Credentials& c = credentials();
    if (!HasPassword(c)) return false;
    request->headers.emplace_back("Authorization", BasicAuthorization(c));
    return true;
  }
  if (scheme_ == Scheme::kBearer) {
    std::string token = BearerToken(scope, renew);
    if (!token.empty()) request->headers.emplace_back("Authorization", "Bearer " + token);
  }
  return false;
}

std::string Authorizer::BearerToken(const std::string& scope, bool renew) {
  // One fetch at a time (`fetch_mu`, apart from `mu`, which FetchToken takes
  // to look up the credentials): the threads that need a token for a scope
  // wait for the first one's, and a renewal replaces a token once.
  auto cached = [&](std::chrono::steady_clock::time_point now) -> std::optional<std::string> {
    std::lock_guard<std::mutex> guard(shared_->mu);
    auto it = shared_->tokens.find(scope);
    if (it == shared_->tokens.end() || now >= it->second.expiry) return std::nullopt;
    return it->second.value;
  };
  auto start = std::chrono::steady_clock::now();
  if (!renew)
    if (auto token = cached(start)) return *token;
  std::lock_guard<std::mutex> fetching(shared_->fetch_mu);
  auto it_fetched = shared_->fetched.find(scope);
  if (it_fetched != shared_->fetched.end() && it_fetched->second > start)
    if (auto token = cached(std::chrono::steady_clock::now())) return *token;  // fetched meanwhile
  auto now = std::chrono::steady_clock::now();
  std::chrono::seconds lifetime{};
  std::string token = FetchToken(scope, &lifetime);
  std::lock_guard<std::mutex> guard(shared_->mu);
  shared_->tokens[scope] = Token{token, now + lifetime};
  shared_->fetched[scope] = std::chrono::steady_clock::now();
  return token;
}

UrlParts Authorizer::CheckRealm() const {
  UrlParts realm = WithContext("registry " + registry_ + ": token realm", [&] {
    return ParseUrl(realm_);
  });
  bool same_host = realm.authority == transport_.authority();
  if (realm.scheme != "https" &&
      !(realm.scheme == "http" && same_host && options_.IsInsecure(registry_)))
    Fail("registry {}: refusing the token realm {}: a realm on another host must use https",
         registry_, realm_);
  return realm;
}

HttpRequest Authorizer::TokenRequest(const std::string& scope, std::string* form) {
  const Credentials& c = credentials();
  if (!c.identity_token.empty()) {
    // OAuth2 refresh-token grant, as docker does with an identity token.
    HttpRequest request = MakeRequest("POST", realm_);
    *form = "grant_type=refresh_token&client_id=ocimake&refresh_token=" +
            PercentEncode(c.identity_token);
    if (!service_.empty()) *form += "&service=" + PercentEncode(service_);
    if (!scope.empty()) *form += "&scope=" + PercentEncode(scope);
    request.has_body = true;
    request.body = *form;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return request;
  }
  std::string url = realm_;
  if (!service_.empty()) url = AddQuery(url, "service", service_);
  for (const auto& one : Split(scope, ' '))
    if (!one.empty()) url = AddQuery(url, "scope", one);
  HttpRequest request = MakeRequest("GET", url);
  if (HasPassword(c)) request.headers.emplace_back("Authorization", BasicAuthorization(c));
  return request;
}

void Authorizer::FailTokenRefused(const HttpResponse& r, const std::string& server) {
  const Credentials& c = credentials();
  if (r.status == 401 || r.status == 403)
    Fail("registry {}: unauthorized: the token server {} refused {} ({})", registry_, server,
         c.empty() ? "anonymous access (ocimake login " + registry_ + ")"
                   : c.username.empty() ? "the identity token" : "the credentials of " + c.username,
         StatusText(r));
  Fail("registry {}: token server {}: {}", registry_, server, StatusText(r));
}

std::string Authorizer::FetchToken(const std::string& scope, std::chrono::seconds* lifetime) {
  UrlParts realm = CheckRealm();
  std::string form;
  HttpRequest request = TokenRequest(scope, &form);
  const std::string label = "token server " + realm.authority + ": ";
  HttpResponse r = WithRetries(
      options_.retry, registry_,
      [&](int) {
        HttpResponse answer = transport_.Perform(request);
        ThrowIfRetryable(answer, label);
        return answer;
      },
      label);
  if (!IsSuccess(r.status)) FailTokenRefused(r, realm.authority);
  TokenResponse t = ParseTokenResponse(r.body, "registry " + registry_ + ": token reply");
  // Renewed a little before it runs out; 60 s when the server does not say.
  int64_t seconds = t.expires_in > 0 ? t.expires_in : 60;
  *lifetime = std::chrono::seconds(seconds > 20 ? seconds - 10 : seconds);
  return t.token;
}

}  // namespace ocimake
