#include "registry/registry_pull.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>

#include "base/error.h"
#include "base/fs_util.h"
#include "oci/image.h"
#include "oci/index_walk.h"
#include "oci/oci_json.h"
#include "oci/oci_layout.h"
#include "oci/platform.h"
#include "oci/ref_name.h"
#include "registry/registry_cache.h"
#include "registry/transfer_pool.h"

namespace ocimake {

namespace {

struct Document {
  Descriptor descriptor;
  std::string body;
};

// The registry client, created on first use: a fully cached pin never
// makes one.
class LazyClient {
 public:
  LazyClient(const std::string& registry, const RegistryOptions& options)
      : registry_(registry), options_(options) {}
  RegistryClient& get() {
    if (!client_) client_.emplace(registry_, options_);
    return *client_;
  }
  bool used() const { return client_.has_value(); }

 private:
  std::string registry_;
  const RegistryOptions& options_;
  std::optional<RegistryClient> client_;
};

// A manifest or index of the cache, verified; nullopt when missing or
// corrupt (it is then fetched again and rewritten).
std::optional<Document> CachedDocument(const OciLayout& cache, const Digest& digest,
                                       const std::string& what) {
  std::string path = cache.BlobPath(digest);
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || st.st_size > static_cast<off_t>(kMaxJsonBytes))
    return std::nullopt;
  std::string body = ReadFile(path, kMaxJsonBytes);
  if (Digest::Of(body) != digest) return std::nullopt;
  Document doc;
  doc.descriptor.digest = digest;
  doc.descriptor.size = static_cast<int64_t>(body.size());
  doc.descriptor.media_type = SniffMediaType(body, what);
  doc.body = std::move(body);
  return doc;
}

Document FetchDocument(const OciLayout& cache, LazyClient& client, const ImageReference& ref,
                       const std::string& reference) {
  std::string what = ref.name() + (Digest::IsValid(reference) ? "@" : ":") + reference;
  if (Digest::IsValid(reference)) {
    if (auto doc = CachedDocument(cache, Digest::Parse(reference), what)) return *doc;
  } else {
    // A tag: ask what it names now; that document may be cached already.
    std::optional<Descriptor> head = client.get().HeadManifest(ref.repository, reference);
    if (!head) Fail("registry {}: {}: not found", ref.registry, what);
    if (!head->digest.empty())
      if (auto doc = CachedDocument(cache, head->digest, what)) return *doc;
  }
  ManifestBytes m = client.get().GetManifest(ref.repository, reference);
  cache.WriteBlob(m.body, m.descriptor.media_type);
  return {m.descriptor, m.body};
}

// Walks from the document `ref` names to the manifest for `want`, fetching
// each document through the cache; `doc` ends as the manifest's document.
WalkResult WalkRegistry(const OciLayout& cache, LazyClient& client, const ImageReference& ref,
                        const Platform& want, Document& doc) {
  std::string parent;  // the index that named the document read next
  auto read = [&](const Descriptor& d, const std::string& what) -> std::optional<Index> {
    if (d.digest != doc.descriptor.digest) {
      doc = FetchDocument(cache, client, ref, d.digest.str());
      if (doc.descriptor.size != d.size)
        Fail("{}: manifest {}: size mismatch: expected {} bytes, got {}", parent,
             d.digest.str(), d.size, doc.descriptor.size);
    }
    if (!IsIndexType(doc.descriptor.media_type)) return std::nullopt;
    parent = what;
    return ParseIndex(doc.body, what);
  };
  return WalkToManifest(doc.descriptor, want, read, ref.str());
}

void TagInCache(const OciLayout& cache, const std::string& name, Descriptor manifest,
                const std::optional<Platform>& platform) {
  manifest.annotations.clear();
  SetRefName(&manifest, name);
  manifest.platform = platform;
  RefName named = EntryName(manifest);
  cache.UpdateIndex([&](Index* index) {
    std::vector<Descriptor> kept;
    for (auto& m : index->manifests) {
      bool same_name = EntryName(m) == named;
      bool same_platform = m.platform.has_value() == platform.has_value() &&
                           (!platform || *m.platform == *platform);
      if (!(same_name && same_platform)) kept.push_back(m);
    }
    kept.push_back(manifest);
    index->manifests = kept;
  });
}

// Fetches the blobs the cache lacks (or holds corrupt), up to transfer_jobs
// at once, each verified as it streams in.
void PullBlobs(const OciLayout& cache, LazyClient& client, const ImageReference& ref,
               const RegistryOptions& options, const std::vector<Descriptor>& blobs) {
  std::vector<Descriptor> missing;
  for (const auto& b : blobs) {
    bool listed = false;
    for (const auto& m : missing) listed = listed || m.digest == b.digest;
    if (!listed && !cache.VerifyBlob(b)) missing.push_back(b);
  }
  if (missing.empty()) return;
  WorkerClients clients(client.get(), PoolWorkers(missing.size(), options.transfer_jobs));
  RunBounded(missing.size(), options.transfer_jobs, [&](int worker, size_t i) {
    WithContext(ref.str(), [&] { clients[worker].PullBlob(ref.repository, missing[i], cache); });
  });
}

}  // namespace

PulledImage PullImage(const ImageReference& ref, const Platform& want_in,
                      const std::string& cache_dir, const RegistryOptions& options) {
  Platform want = want_in;
  if (want.os.empty() && want.architecture.empty()) want = HostPlatform();
  PulledImage out;
  out.layout_dir = CacheLayoutDir(cache_dir);
  out.tag = ref.str();
  OciLayout cache = OciLayout::Create(out.layout_dir);
  cache.HoldWritersLock();  // `ocimake cache prune` leaves the cache alone while we use it
  LazyClient client(ref.registry, options);

  Document doc = FetchDocument(cache, client, ref, ref.reference());
  std::optional<Platform> platform = WalkRegistry(cache, client, ref, want, doc).platform;
  std::string what = ref.str() + " manifest " + doc.descriptor.digest.str();
  Manifest manifest = ParseManifest(doc.body, what);
  std::vector<Descriptor> blobs = {manifest.config};
  blobs.insert(blobs.end(), manifest.layers.begin(), manifest.layers.end());
  PullBlobs(cache, client, ref, options, blobs);
  if (!platform) {
    ImageConfig config = ParseImageConfig(cache.ReadSmallBlob(manifest.config),
                                          ref.str() + " config " + manifest.config.digest.str());
    if (!config.os.empty() && !config.architecture.empty())
      platform = Platform{config.os, config.architecture, config.variant};
  }
  if (client.used()) {
    std::vector<Digest> all;
    for (const auto& b : blobs) all.push_back(b.digest);
    BlobLocations(cache_dir, ref.registry).Record(all, ref.repository);
  }
  doc.descriptor.media_type = manifest.media_type;
  TagInCache(cache, out.tag, doc.descriptor, platform);
  // The manifest blob's mtime is the image's last use (`ocimake cache ls`).
  utimensat(AT_FDCWD, cache.BlobPath(doc.descriptor.digest).c_str(), nullptr, 0);
  out.platform = platform.value_or(Platform{});
  out.manifest = doc.descriptor;
  out.offline = !client.used();
  return out;
}

}  // namespace ocimake
