#include "registry/registry_push.h"

#include "base/error.h"
#include "oci/oci_json.h"
#include "registry/registry_cache.h"

namespace ocimake {

namespace {

constexpr int kMaxIndexDepth = 4;

bool IsIndexType(const std::string& mt) {
  return mt == media_type::kOciIndex || mt == media_type::kDockerManifestList;
}

class Pusher {
 public:
  Pusher(RegistryClient& client, const std::string& repo, const OciLayout& layout,
         const std::string& cache_dir)
      : client_(client), repo_(repo), layout_(layout),
        locations_(cache_dir, client.registry()) {}

  // Pushes a manifest or index and everything below it; returns the exact
  // bytes pushed and their descriptor (media type from the document).
  std::pair<Descriptor, std::string> Push(const Descriptor& d, int depth) {
    std::string what = layout_.dir() + " " + d.digest.str();
    if (depth > kMaxIndexDepth) Fail("{}: indexes nested deeper than {}", what, kMaxIndexDepth);
    std::string body = layout_.ReadSmallBlob(d);
    Descriptor pushed = d;
    std::string sniffed = SniffMediaType(body, what);
    if (!sniffed.empty()) pushed.media_type = sniffed;
    if (IsIndexType(pushed.media_type)) {
      for (const auto& child : ParseIndex(body, what).manifests) Push(child, depth + 1);
    } else {
      Manifest m = ParseManifest(body, what);
      PushBlob(m.config);
      for (const auto& l : m.layers) PushBlob(l);
    }
    client_.PutManifest(repo_, d.digest.str(), pushed, body);
    return {pushed, body};
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
  auto [pushed, body] = pusher.Push(top, 0);
  for (const auto& tag : tags) client.PutManifest(repo, tag, pushed, body);
  pusher.Finish();
  pusher.summary.digest = top.digest;
  return pusher.summary;
}

}  // namespace ocimake
