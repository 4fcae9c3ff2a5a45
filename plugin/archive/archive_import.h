// Reading oci-archive and docker-archive tarballs into an OCI layout.
// Nothing in the tarball is trusted: names are normalised (no "..", no
// absolute paths, no links followed), sizes and entry counts are bounded,
// every blob is verified against its digest, and every docker-archive layer
// against the diff_id its config declares. The tarball is read by the one
// tar reader (layer/layer_reader.h), with its checks.
#ifndef OCIMAKE_ARCHIVE_ARCHIVE_IMPORT_H_
#define OCIMAKE_ARCHIVE_ARCHIVE_IMPORT_H_

#include <cstdint>
#include <string>

namespace ocimake {

inline constexpr uint64_t kMaxArchiveBytes = 64ull << 30;  // 64 GiB unpacked
inline constexpr uint64_t kMaxArchiveEntries = 1u << 20;

// Imports `file` into a new layout at `layout_dir` (which must not exist).
// On any error the partial layout is removed.
void ImportArchive(const std::string& file, const std::string& layout_dir);

}  // namespace ocimake

#endif  // OCIMAKE_ARCHIVE_ARCHIVE_IMPORT_H_
