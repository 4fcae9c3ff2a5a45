// The set of paths an image's layers leave in its root filesystem (whiteouts
// applied), used to leave out of the closure what the base already has.
#ifndef OCIMAKE_CLOSURE_BASE_FILES_H_
#define OCIMAKE_CLOSURE_BASE_FILES_H_

#include <set>
#include <string>

#include "oci/image.h"

namespace ocimake {

// Absolute paths ("/usr/lib/x86_64-linux-gnu/libc.so.6") of every entry.
std::set<std::string> ListImageFiles(const LoadedImage& image);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_BASE_FILES_H_
