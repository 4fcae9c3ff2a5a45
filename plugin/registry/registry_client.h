// An OCI distribution-spec client for one registry: manifests and blobs,
// pulled and pushed. It puts together
//  - the transport (registry_transport.h): https, verified with the system
//    CAs or a CA file; plain http only for an insecure registry (loopback
//    ones, and those named), still tried over https first; redirects
//    followed here, not by libcurl; 429, 5xx and dropped connections retried
//    with exponential backoff (Retry-After honoured, capped), then a failure
//    naming the registry: "registry 127.0.0.1:5000: connection refused after
//    4 attempts";
//  - auth (registry_token.h): anonymous, Basic, or the Bearer token flow a
//    WWW-Authenticate challenge asks for (tokens cached per scope, renewed
//    on 401 and expiry). Credentials (registry_credentials.h) go only to the
//    registry's own host and to a token realm on that host or over https;
//    Authorization is dropped on a redirect to another host;
//  - the upload of a blob (blob_upload.h), whole or in chunks, resumed.
// Verification: a blob streams into a BlobWriter that is committed only
// when its size and digest match the descriptor, and never receives more
// than the declared size; a manifest is checked against the digest it was
// asked by and the Docker-Content-Digest the registry claims.
// Nothing touches the network before the first request.
#ifndef OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_
#define OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"
#include "registry/http_client.h"
#include "registry/registry_options.h"
#include "registry/registry_token.h"
#include "registry/registry_transport.h"

namespace ocimake {

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
  const RegistryOptions& options() const { return options_; }
  // A client of the same registry for another thread (transfer_pool.h): its
  // own connection (an HttpClient is used by one thread at a time), the base
  // URL and auth scheme this one learnt (probing first if it has not), and
  // the token cache and credentials shared with it under a mutex.
  std::unique_ptr<RegistryClient> Fork();

  // The descriptor of a manifest by tag or digest (HEAD), nullopt when the
  // registry has none. The digest is empty when the registry did not say.
  std::optional<Descriptor> HeadManifest(const std::string& repo, const std::string& reference);
  // The manifest by tag or digest, checked against a digest reference and
  // the digest the registry claims; fails when it has none.
  ManifestBytes GetManifest(const std::string& repo, const std::string& reference);
  // As GetManifest, nullopt when the registry has none (404).
  std::optional<ManifestBytes> FindManifest(const std::string& repo,
                                            const std::string& reference);
  // Stores `body` under a tag or digest; fails when the registry says it
  // stored another digest than `descriptor`'s. Returns the OCI-Subject
  // header of the answer: the subject's digest when the registry indexed
  // the manifest as a referrer (OCI 1.1), else "".
  std::string PutManifest(const std::string& repo, const std::string& reference,
                          const Descriptor& descriptor, const std::string& body);
  // The referrers API: the artifacts whose subject is `subject` (of
  // `artifact_type` unless it is empty), as an index; nullopt when the
  // registry has no referrers API (404).
  std::optional<Index> GetReferrers(const std::string& repo, const Digest& subject,
                                    const std::string& artifact_type);

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
  // Probes the registry once (its base URL and the auth it asks for).
  void Ping();
  // One attempt: credentials added, redirects followed, a 401 answered once.
  HttpResponse Exchange(const HttpRequest& request, const std::string& scope);
  // Exchange() retried on dropped connections, 429 and 5xx.
  HttpResponse Send(const HttpRequest& request, const std::string& scope);
  // "registry R: <what>: HTTP <status> ..." (a 401: FailUnauthorized).
  [[noreturn]] void FailStatus(const HttpResponse& response, const std::string& what);
  // Mounts the blob from one of `mount_from`: kMounted, or kUploaded with
  // `location` set to a session the registry opened instead, or left empty.
  Pushed TryMount(const std::string& repo, const Descriptor& d,
                  const std::vector<std::string>& mount_from, std::string* location);

  std::string registry_;
  RegistryOptions options_;
  RegistryTransport transport_;
  Authorizer auth_;
};

// The clients of a pool's workers (transfer_pool.h): worker 0 uses `main`,
// the others each a Fork() of it, made up front on the calling thread.
class WorkerClients {
 public:
  WorkerClients(RegistryClient& main, int workers);
  RegistryClient& operator[](int worker) { return worker == 0 ? main_ : *forks_.at(worker - 1); }

 private:
  RegistryClient& main_;
  std::vector<std::unique_ptr<RegistryClient>> forks_;
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_CLIENT_H_
