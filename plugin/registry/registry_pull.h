// Pulling an image from a registry into the cache layout (registry_cache.h):
// the manifest a reference names (an index resolved to the wanted platform),
// its config and its layers (up to RegistryOptions::transfer_jobs at once,
// transfer_pool.h), each verified as it streams in, then tagged in
// the cache with the full reference and the platform.
#ifndef OCIMAKE_REGISTRY_REGISTRY_PULL_H_
#define OCIMAKE_REGISTRY_REGISTRY_PULL_H_

#include <string>

#include "oci/image_reference.h"
#include "oci/oci_types.h"
#include "registry/registry_client.h"

namespace ocimake {

struct PulledImage {
  std::string layout_dir;  // the cache layout
  std::string tag;         // its name there: the reference's str()
  Platform platform;       // what LoadImage(layout_dir, tag, platform) finds
  Descriptor manifest;     // the image manifest (not an index)
  bool offline = false;    // served from the cache without the registry
};

// Pulls `ref` for `want` (empty os and architecture: HostPlatform()). With a
// digest pin whose manifest, config and layers are all in the cache, the
// registry is not contacted at all; a tag is always resolved again.
PulledImage PullImage(const ImageReference& ref, const Platform& want,
                      const std::string& cache_dir, const RegistryOptions& options);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_PULL_H_
