// The set of paths an image's layers leave in its root filesystem (whiteouts
// applied), used to leave out of the closure what the base already has, and
// the content of one of its files (the base's /etc/passwd).
#ifndef OCIMAKE_CLOSURE_BASE_FILES_H_
#define OCIMAKE_CLOSURE_BASE_FILES_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "oci/image.h"

namespace ocimake {

// Absolute paths ("/usr/lib/x86_64-linux-gnu/libc.so.6") of every entry.
std::set<std::string> ListImageFiles(const LoadedImage& image);

// The content of the regular file at `path` ("/etc/passwd") in the image's
// root filesystem, or none when it has no regular file there (absent,
// deleted by a whiteout, a directory or a symlink). At most `max_bytes`.
std::optional<std::string> ReadImageFile(const LoadedImage& image, const std::string& path,
                                         int64_t max_bytes = 16 << 20);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_BASE_FILES_H_
