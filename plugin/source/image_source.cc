#include "source/image_source.h"

#include "archive/archive_import.h"
#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "oci/image_reference.h"
#include "oci/index_walk.h"
#include "oci/ref_name.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_pull.h"

namespace ocimake {

namespace {

// The layout a layout or archive `spec` is read from: itself, or the
// archive imported into a temp layout under `scratch_dir` (kept by `holder`).
std::string LocalLayout(const SourceSpec& spec, const std::string& scratch_dir,
                        std::shared_ptr<void>* holder) {
  if (spec.kind == SourceSpec::kLayout) return spec.path;
  auto temp = std::make_shared<TempDir>(scratch_dir, ".ocimake-import-");
  std::string layout = JoinPath(temp->path(), "layout");
  ImportArchive(spec.path, layout);
  *holder = temp;
  return layout;
}

// The platform `c` picks for `tag` of `layout`, whose multi-platform index
// (when the tag names one) is `index`.
Platform ChoosePlatform(const OciLayout& layout, const std::string& tag,
                        const std::optional<PlatformIndex>& index, const PlatformChoice& c) {
  if (!c.flag.empty()) return ParsePlatform(c.flag);
  if (!index && FindNamed(layout.ReadIndex(), tag, layout.dir()).size() == 1) return Platform{};
  Platform host = HostPlatform();
  if (!index || !c.first_without_host) return host;  // none for the host: the walk lists them
  for (const auto& e : index->entries)
    if (e.platform && PlatformMatches(*e.platform, host)) return host;
  const std::vector<Descriptor>& entries = index->entries;
  return !entries.empty() && entries[0].platform ? *entries[0].platform : host;
}

// Fails when --platform was given and the image's config states another.
void CheckPlatform(const LoadedImage& image, const PlatformChoice& c) {
  if (!c.flag.empty()) RequirePlatform(image, ParsePlatform(c.flag));
}

}  // namespace

OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir, const RegistryOptions* registry) {
  OpenedSource out;
  if (spec.kind == SourceSpec::kLayout || spec.kind == SourceSpec::kArchive) {
    out.image = LoadImage(LocalLayout(spec, scratch_dir, &out.holder), spec.tag, want);
    if (spec.kind == SourceSpec::kArchive) out.image.name = spec.path;
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

OpenedSource OpenForPlatform(const SourceSpec& spec, const PlatformChoice& choice,
                             const std::string& scratch_dir, const RegistryOptions* registry) {
  OpenedSource out;
  if (spec.kind == SourceSpec::kLayout || spec.kind == SourceSpec::kArchive) {
    std::string dir = LocalLayout(spec, scratch_dir, &out.holder);
    OciLayout layout = OciLayout::Open(dir);
    out.index = TaggedIndex(layout, spec.tag);
    out.image = LoadImage(dir, spec.tag, ChoosePlatform(layout, spec.tag, out.index, choice));
    if (spec.kind == SourceSpec::kArchive) out.image.name = spec.path;
  } else {  // a pull walks the registry's index itself
    Platform want = choice.flag.empty() ? HostPlatform() : ParsePlatform(choice.flag);
    out = OpenSource(spec, want, scratch_dir, registry);
  }
  CheckPlatform(out.image, choice);
  return out;
}

}  // namespace ocimake
