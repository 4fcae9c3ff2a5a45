// Writing an image of a layout as a tarball for `docker load` / `podman load`.
// Both formats are deterministic tars (sorted, normalised like layers).
//  - oci-archive: the OCI image layout of that one image, as a tar.
//  - docker-archive: the same plus a docker manifest.json naming the config
//    and layer blobs, the layout Docker 25+ itself saves; older Docker
//    engines and podman read manifest.json, newer ones either.
#ifndef OCIMAKE_ARCHIVE_ARCHIVE_EXPORT_H_
#define OCIMAKE_ARCHIVE_ARCHIVE_EXPORT_H_

#include <string>

#include "oci/image.h"

namespace ocimake {

enum class ArchiveFormat { kDocker, kOci };
ArchiveFormat ParseArchiveFormat(const std::string& name);  // docker-archive, oci-archive

// Writes `image` to `file` atomically. `repo_tag` names it for docker load
// (defaults to the image's name, oci/ref_name.h; ":latest" is added when it
// has no tag). The archive's index.json names it as a layout does; its
// RepoTags in docker's short form ("hello:1.0", not "docker.io/library/..").
void ExportArchive(const LoadedImage& image, ArchiveFormat format, const std::string& repo_tag,
                   const std::string& file);

}  // namespace ocimake

#endif  // OCIMAKE_ARCHIVE_ARCHIVE_EXPORT_H_
