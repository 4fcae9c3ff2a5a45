#include "registry/registry_push.h"

#include "base/error.h"
#include "oci/index_walk.h"
#include "registry/registry_cache.h"

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
        PushBlob(node.manifest->config);
        for (const auto& l : node.manifest->layers) PushBlob(l);
      }
      client_.PutManifest(repo_, node.descriptor.digest.str(), node.descriptor, node.body);
      last = {node.descriptor, node.body};  // the top comes last
    }, layout_.dir());
    return last;
  }

  void Finish() { locations_.Record(seen_, repo_); }
  PushSummary summary;

 private:
  void PushBlob(const Descriptor& d) {
    if (!layout_.HasBlob(d.digest))
      Fail("{}: blob {} is missing", layout_.dir(), d.digest.str());
    auto result = WithContext("blob " + d.digest.str(), [&] {
      return client_.PushBlob(repo_, d, layout_, locations_.Find(d.digest));
    });
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
};

}  // namespace

PushSummary PushImage(RegistryClient& client, const std::string& repo, const OciLayout& layout,
                      const Descriptor& top, const std::vector<std::string>& tags,
                      const std::string& cache_dir) {
  Pusher pusher(client, repo, layout, cache_dir);
  auto [pushed, body] = pusher.Push(top);
  for (const auto& tag : tags) client.PutManifest(repo, tag, pushed, body);
  pusher.Finish();
  pusher.summary.digest = top.digest;
  return pusher.summary;
}

}  // namespace ocimake
