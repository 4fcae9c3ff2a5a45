// The set of paths an image's layers leave in its root filesystem (whiteouts
// applied), used to leave out of the closure what the base already has, and
// the content of one of its files (the base's /etc/passwd).
#ifndef OCIMAKE_CLOSURE_BASE_FILES_H_
#define OCIMAKE_CLOSURE_BASE_FILES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "oci/image.h"

namespace ocimake {

// Absolute paths ("/usr/lib/x86_64-linux-gnu/libc.so.6") of every entry.
std::set<std::string> ListImageFiles(const LoadedImage& image);

// The contents of the regular files at `paths` ("/etc/passwd") in the
// image's root filesystem, read in one pass over its layers: path ->
// content, for those it has as regular files (not absent, deleted by a
// whiteout, a directory or a symlink). At most `max_bytes` each.
std::map<std::string, std::string> ReadImageFiles(const LoadedImage& image,
                                                  const std::vector<std::string>& paths,
                                                  int64_t max_bytes = 16 << 20);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_BASE_FILES_H_
