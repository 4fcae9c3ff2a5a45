// Where ocimake keeps what it makes once and reuses (toolchains, unpacked
// images, pulled blobs, the .deb pool): the one default.
#ifndef OCIMAKE_BASE_CACHE_DIR_H_
#define OCIMAKE_BASE_CACHE_DIR_H_

#include <string>

namespace ocimake {

// $OCIMAKE_CACHE_DIR, else $XDG_CACHE_HOME/ocimake, else ~/.cache/ocimake.
std::string DefaultCacheDir();

}  // namespace ocimake

#endif  // OCIMAKE_BASE_CACHE_DIR_H_
