// How ocimake talks to registries, whichever one: trusted CAs, which
// registries may be reached over plain http, the retry policy, upload chunk
// sizes, the pull cache and where credentials come from. Filled from the
// environment and the command line (cli.cc's MakeRegistryOptions), read by
// the transport (registry_transport.h), the auth flow (registry_token.h), the
// upload (blob_upload.h) and the client (registry_client.h).
#ifndef OCIMAKE_REGISTRY_REGISTRY_OPTIONS_H_
#define OCIMAKE_REGISTRY_REGISTRY_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

struct RetryPolicy {
  int attempts = 4;              // in all, the first one included
  double base_seconds = 0.5;     // waits of 0.5 s, 1 s, 2 s (plus a little jitter)
  double max_retry_after = 30;   // a longer Retry-After is cut to this
};

// Blobs of one image pushed or pulled at once (transfer_pool.h).
constexpr int kDefaultTransferJobs = 4;
constexpr int kMaxTransferJobs = 32;

// `text` as a number of transfers at once, 1..kMaxTransferJobs; fails
// "<what> '<text>': expected a number of parallel transfers from 1 to 32".
int ParseTransferJobs(const std::string& text, const std::string& what);

struct RegistryOptions {
  std::string ca_file;                // --ca-file, $OCIMAKE_CA_FILE
  std::vector<std::string> insecure;  // --insecure-registry, $OCIMAKE_INSECURE_REGISTRIES
  RetryPolicy retry;
  // Blobs of at least this size are sent in chunks (PATCH) of chunk_size.
  uint64_t chunk_threshold = 16u << 20;
  uint64_t chunk_size = 8u << 20;
  // Blobs sent or fetched at once: --jobs, $OCIMAKE_TRANSFER_JOBS.
  int transfer_jobs = kDefaultTransferJobs;
  // Where pulls are cached (registry_cache.h); empty: DefaultCacheDir().
  std::string cache_dir;
  // Looked up once, when the registry first asks for credentials.
  std::function<Credentials(const std::string& registry)> credentials;

  // The defaults, $OCIMAKE_CA_FILE, $OCIMAKE_INSECURE_REGISTRIES (comma
  // separated), $OCIMAKE_TRANSFER_JOBS and credentials from LookupCredentials().
  static RegistryOptions FromEnvironment();
  // Loopback registries (localhost, 127.0.0.1, [::1], any port) and those in
  // `insecure` ("host" matches any port, "host:port" that port only).
  bool IsInsecure(const std::string& registry) const;
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_OPTIONS_H_
