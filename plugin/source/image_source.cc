#include "source/image_source.h"

#include "archive/archive_import.h"
#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "oci/image_reference.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_pull.h"

namespace ocimake {

OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir, const RegistryOptions* registry) {
  OpenedSource out;
  if (spec.kind == SourceSpec::kLayout) {
    out.image = LoadImage(spec.path, spec.tag, want);
  } else if (spec.kind == SourceSpec::kArchive) {
    auto temp = std::make_shared<TempDir>(scratch_dir, ".ocimake-import-");
    std::string layout = JoinPath(temp->path(), "layout");
    ImportArchive(spec.path, layout);
    out.image = LoadImage(layout, spec.tag, want);
    out.image.name = spec.path;
    out.holder = temp;
  } else if (spec.kind == SourceSpec::kRegistry) {
    ImageReference ref = ParseImageReference(spec.path);
    RegistryOptions options = registry ? *registry : RegistryOptions::FromEnvironment();
    std::string cache = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
    PulledImage pulled = PullImage(ref, want, cache, options);
    out.image = LoadImage(pulled.layout_dir, pulled.tag, pulled.platform);
    out.image.name = spec.path;
  } else {
    Fail("scratch has no image to open");
  }
  return out;
}

}  // namespace ocimake
