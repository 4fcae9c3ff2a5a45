// Opening an image wherever it is (source/location.h names where): a layout
// read in place, an archive imported, a registry image pulled into the cache;
// then read as oci/image.h reads a layout, every document verified.
#ifndef OCIMAKE_SOURCE_IMAGE_SOURCE_H_
#define OCIMAKE_SOURCE_IMAGE_SOURCE_H_

#include <memory>
#include <optional>
#include <string>

#include "oci/image.h"
#include "oci/oci_types.h"
#include "oci/platform.h"
#include "source/location.h"

namespace ocimake {

// Opens any SourceSpec as a LoadedImage; an archive is imported into a temp
// layout under `scratch_dir` (kept alive by the returned holder); a registry
// reference is pulled into the cache (registry_pull.h: $OCIMAKE_CACHE_DIR,
// registry options from the environment unless given) and read from there.
struct OpenedSource {
  std::shared_ptr<void> holder;
  LoadedImage image;
  // The multi-platform image `image` was taken from (OpenForPlatform, a
  // layout or an archive only).
  std::optional<PlatformIndex> index;
};
struct RegistryOptions;
OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir,
                        const RegistryOptions* registry = nullptr);

// A command's --platform: `flag` (OS/ARCH[/VARIANT]) when given, and an
// image whose config states another platform is then an error. Without it:
// from a multi-platform image the host's platform, or, with
// `first_without_host`, its first platform when it has none for the host; a
// single image whatever its platform.
struct PlatformChoice {
  std::string flag;
  bool first_without_host = false;
};
// OpenSource for the platform `choice` picks.
OpenedSource OpenForPlatform(const SourceSpec& spec, const PlatformChoice& choice,
                             const std::string& scratch_dir,
                             const RegistryOptions* registry = nullptr);

}  // namespace ocimake

#endif  // OCIMAKE_SOURCE_IMAGE_SOURCE_H_
