// The auth of one registry: anonymous, HTTP Basic, or the Bearer token flow
// a WWW-Authenticate challenge asks for.
//  - The scheme is learnt from the challenge of a 401 (GET /v2/ first).
//  - Credentials (registry_credentials.h, through RegistryOptions) are looked
//    up once, when first needed: an anonymous registry never causes a lookup.
//  - A Bearer token is asked of the realm for a scope
//    ("repository:app:pull,push"), with the credentials as Basic auth or an
//    identity token as an OAuth2 refresh-token grant (POST); tokens are
//    cached per scope and renewed a little before they expire, or on a 401.
//  - Credentials and tokens go only to the registry's own host, and to a
//    token realm over https (or over http on the registry's own insecure host).
#ifndef OCIMAKE_REGISTRY_REGISTRY_TOKEN_H_
#define OCIMAKE_REGISTRY_REGISTRY_TOKEN_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_types.h"
#include "registry/http_client.h"
#include "registry/registry_options.h"
#include "registry/registry_transport.h"

namespace ocimake {

// One challenge of a WWW-Authenticate header: Bearer realm="..",service="..".
struct AuthChallenge {
  std::string scheme;                         // lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lowercased
};
// Every challenge of one header value, in order. Quoted values may hold
// commas and backslash escapes; a token68 ("Negotiate abc==") is skipped;
// nothing here fails.
std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& header);

class Authorizer {
 public:
  enum class Scheme { kUnknown, kNone, kBasic, kBearer };

  // `transport` says where the registry's own host is, and sends token
  // requests; it must outlive this.
  Authorizer(RegistryTransport& transport, const RegistryOptions& options);
  Scheme scheme() const { return scheme_; }

  // After a 2xx GET /v2/: the registry asks for nothing.
  void SetAnonymous() { scheme_ = Scheme::kNone; }
  // Takes Bearer (with a realm) or Basic from a 401's WWW-Authenticate
  // headers; false when they name neither.
  bool LearnChallenge(const HttpResponse& response);
  // Replaces the request's Authorization with what the scheme asks for
  // `scope` (scopes separated by spaces), when it goes to the registry's own
  // host; `renew` fetches a fresh token. True when it added Basic credentials.
  bool Authorize(HttpRequest* request, const std::string& scope, bool renew);
  // After a 401 to round `round` (0, 1, ...) of a request: fails unless
  // another round, with a renewed token or the scheme the 401 names, may be
  // accepted. `sent_basic`: what Authorize() returned for it.
  void CheckUnauthorized(const HttpResponse& response, int round, bool sent_basic);
  // A token for `scope` from the realm, and how long to use it; fails with
  // the token server's refusal.
  std::string FetchToken(const std::string& scope, std::chrono::seconds* lifetime);

  // The registry's credentials, looked up on the first call.
  const Credentials& credentials();
  // Takes the scheme `other` learnt and shares its tokens and credentials
  // (a client of another thread: RegistryClient::Fork).
  void ShareWith(const Authorizer& other);
  // "registry R: unauthorized[: detail] (as user U | with an identity token |
  // no credentials found; ocimake login R)".
  [[noreturn]] void FailUnauthorized(const HttpResponse& response);

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expiry;
  };
  std::string BearerToken(const std::string& scope, bool renew);
  UrlParts CheckRealm() const;
  // The request for a token; `form` holds a POST's body.
  HttpRequest TokenRequest(const std::string& scope, std::string* form);
  [[noreturn]] void FailTokenRefused(const HttpResponse& r, const std::string& server);

  RegistryTransport& transport_;
  RegistryOptions options_;
  std::string registry_;
  Scheme scheme_ = Scheme::kUnknown;
  std::string realm_, service_;
  // What the authorizers of one registry's clients share across threads,
  // under `mu`: a token is fetched once per scope, not once per thread.
  struct Shared {
    std::mutex mu;
    std::map<std::string, Token> tokens;  // by scope
    std::optional<Credentials> credentials;
    std::mutex fetch_mu;  // held while a token is fetched
    std::map<std::string, std::chrono::steady_clock::time_point> fetched;  // when, by scope
  };
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_TOKEN_H_
