#include "registry/registry_push.h"

#include "base/error.h"
#include "oci/index_walk.h"
#include "oci/referrers.h"
#include "registry/registry_cache.h"
#include "registry/registry_referrers.h"
#include "registry/transfer_pool.h"

namespace ocimake {

namespace {

class Pusher {
 public:
  Pusher(RegistryClient& client, const std::string& repo, const OciLayout& layout,
         const std::string& cache_dir)
      : client_(client), repo_(repo), layout_(layout),
        locations_(cache_dir, client.registry()) {}

  // Pushes a manifest or index and everything below it; returns the exact
  // bytes pushed and their descriptor (media type from the document).
  std::pair<Descriptor, std::string> Push(const Descriptor& top) {
    std::pair<Descriptor, std::string> last;
    auto read = [&](const Descriptor& d) { return layout_.ReadSmallBlob(d); };
    VisitTree(top, read, [&](const TreeNode& node) {
      if (node.manifest) {
        std::vector<Descriptor> blobs = {node.manifest->config};
        blobs.insert(blobs.end(), node.manifest->layers.begin(), node.manifest->layers.end());
        PushBlobs(blobs);
      }
      client_.PutManifest(repo_, node.descriptor.digest.str(), node.descriptor, node.body);
      last = {node.descriptor, node.body};  // the top comes last
      pushed_.push_back(node.descriptor.digest);
    }, layout_.dir());
    return last;
  }

  // Pushes the artifacts of the layout that refer to a manifest or index
  // pushed (its SBOM, its provenance: oci/referrers.h), each listed in the
  // referrers tag of its subject when the registry did not index it.
  void PushReferrers() {
    Index index = layout_.ReadIndex();
    for (const Digest& subject : pushed_)
      for (const Descriptor& entry : LayoutReferrers(layout_, index, subject))
        PushArtifact(entry, subject);
  }

  void Finish() { locations_.Record(seen_, repo_); }
  PushSummary summary;

 private:
  void PushArtifact(const Descriptor& entry, const Digest& subject) {
    std::string body = layout_.ReadSmallBlob(entry);
    ArtifactDocument artifact = ParseArtifact(body, subject, layout_.BlobPath(entry.digest));
    PushBlobs({artifact.manifest.config, artifact.layer});
    std::string indexed = client_.PutManifest(repo_, entry.digest.str(), entry, body);
    if (indexed != subject.str())
      AddToReferrersTag(client_, repo_, subject, ReferrerEntry(entry, artifact.manifest));
    ++summary.referrers;
  }

  // Pushes `blobs` (a manifest's config and layers) up to transfer_jobs at
  // once, each on its worker's own connection; the counts are then added up
  // in order. A digest listed twice is sent once.
  void PushBlobs(const std::vector<Descriptor>& blobs) {
    std::vector<Descriptor> unique;
    for (const auto& d : blobs) {
      if (!layout_.HasBlob(d.digest))
        Fail("{}: blob {} is missing", layout_.dir(), d.digest.str());
      bool again = false;
      for (const auto& u : unique) again = again || u.digest == d.digest;
      if (again) ++summary.existed;
      else unique.push_back(d);
    }
    int jobs = client_.options().transfer_jobs;
    WorkerClients clients(client_, PoolWorkers(unique.size(), jobs));
    std::vector<RegistryClient::Pushed> results(unique.size());
    RunBounded(unique.size(), jobs, [&](int worker, size_t i) {
      const Descriptor& d = unique[i];
      results[i] = WithContext("blob " + d.digest.str(), [&] {
        return clients[worker].PushBlob(repo_, d, layout_, locations_.Find(d.digest));
      });
    });
    for (size_t i = 0; i < unique.size(); ++i) Count(unique[i], results[i]);
  }

  void Count(const Descriptor& d, RegistryClient::Pushed result) {
    switch (result) {
      case RegistryClient::Pushed::kExisted: ++summary.existed; break;
      case RegistryClient::Pushed::kMounted: ++summary.mounted; break;
      case RegistryClient::Pushed::kUploaded:
        ++summary.uploaded;
        summary.uploaded_bytes += d.size;
        break;
    }
    seen_.push_back(d.digest);
  }

  RegistryClient& client_;
  std::string repo_;
  const OciLayout& layout_;
  BlobLocations locations_;
  std::vector<Digest> seen_;
  std::vector<Digest> pushed_;  // the manifests and indexes of the image
};

}  // namespace

PushSummary PushImage(RegistryClient& client, const std::string& repo, const OciLayout& layout,
                      const Descriptor& top, const std::vector<std::string>& tags,
                      const std::string& cache_dir) {
  Pusher pusher(client, repo, layout, cache_dir);
  auto [pushed, body] = pusher.Push(top);
  for (const auto& tag : tags) client.PutManifest(repo, tag, pushed, body);
  pusher.PushReferrers();
  pusher.Finish();
  pusher.summary.digest = top.digest;
  return pusher.summary;
}

}  // namespace ocimake
