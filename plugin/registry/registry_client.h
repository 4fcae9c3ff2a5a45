// An OCI distribution-spec client for one registry: manifests and blobs over
// HTTP (http_client.h), with
//  - auth: anonymous, Basic, or the Bearer token flow a WWW-Authenticate
//    challenge asks for (tokens cached per scope, renewed on 401 and expiry).
//    Credentials (registry_credentials.h) go only to the registry's own host and to
//    a token realm on that host or over https; Authorization is dropped on a
//    redirect to another host; redirects are followed here, not by libcurl.
//  - transport: https, verified with the system CAs or a CA file; plain http
//    only for an insecure registry (loopback ones, and those named), which is
//    still tried over https first.
//  - retries: 429, 5xx and dropped connections are retried with exponential
//    backoff (Retry-After honoured, capped), then fail naming the registry:
//    "registry 127.0.0.1:5000: connection refused after 4 attempts".
//  - verification: a blob streams into a BlobWriter that is committed only
//    when its size and digest match the descriptor, and never receives more
//    than the declared size; a manifest is checked against the digest it was
//    asked by and the Docker-Content-Digest the registry claims.
// Nothing touches the network before the first request.
#ifndef OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_
#define OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"
#include "registry/http_client.h"

namespace ocimake {

class Progress;

struct RetryPolicy {
  int attempts = 4;              // in all, the first one included
  double base_seconds = 0.5;     // waits of 0.5 s, 1 s, 2 s (plus a little jitter)
  double max_retry_after = 30;   // a longer Retry-After is cut to this
};

struct RegistryOptions {
  std::string ca_file;                // --ca-file, $OCIMAKE_CA_FILE
  std::vector<std::string> insecure;  // --insecure-registry, $OCIMAKE_INSECURE_REGISTRIES
  RetryPolicy retry;
  // Blobs of at least this size are sent in chunks (PATCH) of chunk_size.
  uint64_t chunk_threshold = 16u << 20;
  uint64_t chunk_size = 8u << 20;
  // Where pulls are cached (registry_cache.h); empty: DefaultCacheDir().
  std::string cache_dir;
  // Looked up once, when the registry first asks for credentials.
  std::function<Credentials(const std::string& registry)> credentials;

  // The defaults, $OCIMAKE_CA_FILE, $OCIMAKE_INSECURE_REGISTRIES (comma
  // separated) and credentials from LookupCredentials().
  static RegistryOptions FromEnvironment();
  // Loopback registries (localhost, 127.0.0.1, [::1], any port) and those in
  // `insecure` ("host" matches any port, "host:port" that port only).
  bool IsInsecure(const std::string& registry) const;
};

// One challenge of a WWW-Authenticate header: Bearer realm="..",service="..".
struct AuthChallenge {
  std::string scheme;                         // lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lowercased
};
std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& header);

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date,
// relative to `now`); nullopt when it is neither.
std::optional<double> ParseRetryAfter(const std::string& value, std::time_t now);

// A manifest or index as the registry sent it, verified.
struct ManifestBytes {
  Descriptor descriptor;  // media type, digest and size of `body`
  std::string body;
};

class RegistryClient {
 public:
  // `registry` as in a reference ("127.0.0.1:5000", "docker.io").
  RegistryClient(std::string registry, RegistryOptions options);
  const std::string& registry() const { return registry_; }

  // The descriptor of a manifest by tag or digest (HEAD), nullopt when the
  // registry has none. The digest is empty when the registry did not say.
  std::optional<Descriptor> HeadManifest(const std::string& repo, const std::string& reference);
  ManifestBytes GetManifest(const std::string& repo, const std::string& reference);
  void PutManifest(const std::string& repo, const std::string& reference,
                   const Descriptor& descriptor, const std::string& body);

  bool HasBlob(const std::string& repo, const Digest& digest);
  // Downloads a blob into `into` (resuming a dropped transfer with Range).
  void PullBlob(const std::string& repo, const Descriptor& d, const OciLayout& into);

  enum class Pushed { kExisted, kMounted, kUploaded };
  // Uploads a blob of `from` unless the repository has it: mounted from one
  // of `mount_from` (repositories of this registry that hold it) when the
  // registry allows, else sent whole (POST, PUT) or, from chunk_threshold
  // on, in chunks (PATCH), resuming where the registry says it stopped.
  Pushed PushBlob(const std::string& repo, const Descriptor& d, const OciLayout& from,
                  const std::vector<std::string>& mount_from);

  // Checks that the registry accepts the credentials (`ocimake login`).
  void CheckLogin();

 private:
  enum class Scheme { kUnknown, kNone, kBasic, kBearer };
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expiry;
  };

  void Ping();
  // One attempt: credentials added, redirects followed, a 401 answered once.
  HttpResponse Exchange(const HttpRequest& request, const std::string& scope);
  // Exchange() retried on dropped connections, 429 and 5xx.
  HttpResponse Send(const HttpRequest& request, const std::string& scope);
  HttpResponse Follow(HttpRequest request);
  bool LearnChallenge(const HttpResponse& response);
  void Authorize(HttpRequest* request, const std::string& scope, bool renew);
  std::string BearerToken(const std::string& scope, bool renew);
  std::string FetchToken(const std::string& scope, std::chrono::seconds* lifetime);
  const Credentials& credentials();
  [[noreturn]] void FailUnauthorized(const HttpResponse& response);
  [[noreturn]] void FailStatus(const HttpResponse& response, const std::string& what);
  std::string Url(const std::string& path) const { return base_url_ + path; }
  struct Upload;
  void UploadBlob(const std::string& repo, const Descriptor& d, const OciLayout& from,
                  std::string location);
  void StartUpload(const std::string& repo, Upload* upload);
  void QueryUpload(const std::string& repo, Upload* upload);
  void SendChunk(const std::string& repo, const std::string& chunk, Upload* upload,
                 Progress* progress);

  std::string registry_;
  std::string api_host_;
  RegistryOptions options_;
  HttpClient http_;
  std::string base_url_;   // "https://host[:port]" once pinged
  std::string authority_;  // where credentials may go
  Scheme scheme_ = Scheme::kUnknown;
  std::string realm_, service_;
  std::map<std::string, Token> tokens_;  // by scope
  std::optional<Credentials> credentials_;
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_
