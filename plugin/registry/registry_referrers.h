// An image's referrers (oci/referrers.h: its SBOM, its provenance) in a
// registry. A registry with the referrers API indexes an artifact when its
// manifest is put (it answers with an OCI-Subject header) and lists them at
// /v2/<repo>/referrers/<digest>. One without it (Debian's docker-registry,
// distribution 2.8) gets the referrers tag schema of the distribution spec:
// an index tagged "sha256-<hex of the subject>" listing them, which the
// pusher reads, adds to and puts back; readers fall back to it on a 404.
#ifndef OCIMAKE_REGISTRY_REGISTRY_REFERRERS_H_
#define OCIMAKE_REGISTRY_REGISTRY_REFERRERS_H_

#include <string>
#include <vector>

#include "oci/oci_types.h"
#include "registry/registry_client.h"

namespace ocimake {

// Lists `entry` (an artifact manifest `repo` holds, as ReferrerEntry gives
// it) in the referrers tag of `subject`, replacing an entry of its digest.
void AddToReferrersTag(RegistryClient& client, const std::string& repo, const Digest& subject,
                       const Descriptor& entry);

// The referrers of `subject` in `repo` of `artifact_type` (any when empty):
// the referrers API's answer, else the referrers tag's index, else none.
std::vector<Descriptor> ListReferrers(RegistryClient& client, const std::string& repo,
                                      const Digest& subject, const std::string& artifact_type);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_REFERRERS_H_
