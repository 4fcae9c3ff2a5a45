#include "registry/registry_referrers.h"

#include <optional>

#include "base/error.h"
#include "oci/index_walk.h"
#include "oci/oci_json.h"
#include "oci/referrers.h"

namespace ocimake {

namespace {

// The index under the referrers tag of `subject`; an empty one when there is
// none. Something else under that tag is an error: it is not ours to replace.
Index ReferrersTagIndex(RegistryClient& client, const std::string& repo, const Digest& subject) {
  std::string tag = ReferrersTag(subject);
  std::optional<ManifestBytes> found = client.FindManifest(repo, tag);
  if (!found) return Index{};
  std::string what = "registry " + client.registry() + ": " + repo + ":" + tag;
  if (!IsIndexType(found->descriptor.media_type))
    Fail("{}: expected the referrers index of {}, found a {}", what, subject.str(),
         found->descriptor.media_type);
  return ParseIndex(found->body, what);
}

}  // namespace

void AddToReferrersTag(RegistryClient& client, const std::string& repo, const Digest& subject,
                       const Descriptor& entry) {
  Index index = ReferrersTagIndex(client, repo, subject);
  std::vector<Descriptor> kept;
  for (const auto& e : index.manifests)
    if (e.digest != entry.digest) kept.push_back(e);
  kept.push_back(entry);
  index.manifests = std::move(kept);
  SortArtifactsLast(&index);
  std::string body = ToJson(index);
  Descriptor d;
  d.media_type = media_type::kOciIndex;
  d.digest = Digest::Of(body);
  d.size = static_cast<int64_t>(body.size());
  client.PutManifest(repo, ReferrersTag(subject), d, body);
}

std::vector<Descriptor> ListReferrers(RegistryClient& client, const std::string& repo,
                                      const Digest& subject, const std::string& artifact_type) {
  std::optional<Index> index = client.GetReferrers(repo, subject, artifact_type);
  if (!index) index = ReferrersTagIndex(client, repo, subject);
  std::vector<Descriptor> out;
  for (const auto& e : index->manifests)
    if (artifact_type.empty() || e.artifact_type == artifact_type) out.push_back(e);
  return out;
}

}  // namespace ocimake
