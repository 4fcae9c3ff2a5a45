// What ocimake keeps between runs about registries, under the cache
// directory (DefaultCacheDir() in base/cache_dir.h, beside rootfs/ and
// toolchains/):
//   oci/             an OCI layout holding every pulled manifest, config and
//                    layer, each image tagged with its full reference
//                    ("127.0.0.1:5000/base:1.0", "...@sha256:...") and its
//                    platform, so a digest-pinned base is found offline;
//   repos/<registry> which repositories of a registry are known to hold a
//                    blob (pushed there or pulled from there), so a push can
//                    mount it across repositories instead of uploading it.
// Both are safe to share between concurrent runs: blobs are written
// atomically, index.json and the records are rewritten under a lock.
#ifndef OCIMAKE_REGISTRY_REGISTRY_CACHE_H_
#define OCIMAKE_REGISTRY_REGISTRY_CACHE_H_

#include <string>
#include <vector>

#include "base/digest.h"

namespace ocimake {

// <cache>/oci
std::string CacheLayoutDir(const std::string& cache_dir);

class BlobLocations {
 public:
  BlobLocations(const std::string& cache_dir, const std::string& registry);
  // Repositories known to hold the blob, the most recently seen first.
  std::vector<std::string> Find(const Digest& digest) const;
  // Notes that `repository` holds each of `digests`.
  void Record(const std::vector<Digest>& digests, const std::string& repository) const;

 private:
  std::string path_;
};

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_CACHE_H_
