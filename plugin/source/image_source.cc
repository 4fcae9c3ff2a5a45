#include "source/image_source.h"

#include "archive/archive_import.h"
#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_pull.h"

namespace ocimake {

std::pair<std::string, std::string> SplitLayoutTag(const std::string& text) {
  if (IsDirectory(text)) return {text, ""};
  for (size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', colon + 1))
    if (colon > 0 && IsDirectory(text.substr(0, colon)))
      return {text.substr(0, colon), text.substr(colon + 1)};
  Fail("{}: no such OCI layout directory (expected DIR or DIR:TAG)", text);
}


SourceSpec ParseSourceSpec(const std::string& text) {
  SourceSpec s;
  if (text.empty() || text == "scratch") return s;
  if (IsDirectory(text)) return {SourceSpec::kLayout, text, ""};
  if (PathExists(text)) return {SourceSpec::kArchive, text, ""};
  // DIR:TAG where the tag may hold a colon itself (name:1.0): the directory
  // is the shortest prefix before a colon that exists.
  for (auto colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    if (colon > 0 && IsDirectory(text.substr(0, colon)))
      return {SourceSpec::kLayout, text.substr(0, colon), text.substr(colon + 1)};
  }
  if (IsExplicitRegistryReference(text)) return {SourceSpec::kRegistry, text, ""};
  Fail("base {}: no such file or directory (expected scratch, an OCI layout directory[:tag], "
       "an oci-archive, a docker-archive or a registry reference host/repository[:tag]"
       "[@digest])", text);
}

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
