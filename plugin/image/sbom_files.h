// What an SBOM lists of an image (image/sbom.h): the regular files of the
// image's own layers (those above its base's), read as streams, and the
// package each comes from. The completeness check: a file the closure
// brought (a shared library of the root) or RUNTIME_PACKAGES brought must
// belong to a Debian package of a root that has a dpkg database, else the
// SBOM is not written.
#ifndef OCIMAKE_IMAGE_SBOM_FILES_H_
#define OCIMAKE_IMAGE_SBOM_FILES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "closure/dpkg_index.h"
#include "image/sbom.h"
#include "layer/layer_entries.h"
#include "oci/image.h"

namespace ocimake {

// The regular files of `image`'s layers after the first `base_layers`, as
// the image holds them (a later layer's file, whiteout or opaque directory
// wins), sorted by path; a hardlink counts as a file with its target's
// content. `package` is left empty.
std::vector<SbomFile> OwnLayerFiles(const LoadedImage& image, size_t base_layers);

struct SbomOrigins {
  std::string root;                      // for messages
  std::vector<LayerEntry> closure;       // the closure's entries (libs.txt)
  std::vector<LayerEntry> runtime;       // RUNTIME_PACKAGES' entries (packages.txt)
  std::vector<std::string> runtime_packages;  // RUNTIME_PACKAGES' names
};

// Sets each file's package from `index` and returns those packages, sorted
// by name. A closure file goes to the package that lists it; one no package
// lists is the project's own library when its name has ".so" (as `ocimake
// closure --own-output` decides), else an error. A RUNTIME_PACKAGES file no
// package lists (made by a maintainer script: ca-certificates.crt) goes to
// the first of RUNTIME_PACKAGES that lists its directory (as `ocimake
// packages` took it from there). Every other file is the project's.
// With an empty index (no dpkg database) every file is the project's.
std::vector<DebianPackage> AssignPackages(const DpkgIndex& index, const SbomOrigins& origins,
                                          std::vector<SbomFile>* files);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_SBOM_FILES_H_
