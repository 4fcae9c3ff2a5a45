// Pushing an image (or an index of images) of an OCI layout to a registry:
// every blob HEAD-checked first and skipped when present, mounted from
// another repository of the same registry when the cache knows one holds it,
// else uploaded (registry_client.h), up to RegistryOptions::transfer_jobs
// blobs of a manifest at once (transfer_pool.h, each worker on its own
// RegistryClient::Fork()); then, once all are there, the manifest PUT by
// digest, then under each tag, so a tag never names a manifest whose blobs
// are missing; then the artifacts of the layout that refer to the image or
// to a manifest of its index (registry_referrers.h).
#ifndef OCIMAKE_REGISTRY_REGISTRY_PUSH_H_
#define OCIMAKE_REGISTRY_REGISTRY_PUSH_H_

#include <string>
#include <vector>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"
#include "registry/registry_client.h"

namespace ocimake {

struct PushSummary {
  Digest digest;  // of the manifest or index pushed
  int existed = 0, mounted = 0, uploaded = 0;
  int referrers = 0;  // artifacts pushed that refer to the image (SBOM, provenance)
  int64_t uploaded_bytes = 0;
};

// Pushes `top` (a manifest or index of `layout`) to `repo`, tagged `tags`.
PushSummary PushImage(RegistryClient& client, const std::string& repo, const OciLayout& layout,
                      const Descriptor& top, const std::vector<std::string>& tags,
                      const std::string& cache_dir);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_PUSH_H_
