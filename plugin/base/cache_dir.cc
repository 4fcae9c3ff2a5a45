#include "base/cache_dir.h"

#include <cstdlib>

#include "base/fs_util.h"

namespace ocimake {

std::string DefaultCacheDir() {
  if (const char* c = std::getenv("OCIMAKE_CACHE_DIR"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return JoinPath(x, "ocimake");
  const char* home = std::getenv("HOME");
  return JoinPath(home && *home ? home : "/tmp", ".cache/ocimake");
}

}  // namespace ocimake
