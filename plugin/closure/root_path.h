// Resolves paths inside a root directory the way the kernel would after
// chroot(root): absolute symlinks restart at the root, ".." stops at it, and
// no path ever leaves it. Used to look up libraries in a toolchain rootfs.
#ifndef OCIMAKE_CLOSURE_ROOT_PATH_H_
#define OCIMAKE_CLOSURE_ROOT_PATH_H_

#include <string>
#include <vector>

namespace ocimake {

struct RootSymlink {
  std::string path;    // canonical path of the link inside the root ("/lib")
};

struct RootResolution {
  std::string path;                   // canonical path inside the root ("/usr/lib/x")
  std::vector<RootSymlink> symlinks;  // every symlink passed on the way, in order
};

// Resolves `path` (absolute, inside the root). Returns false when a
// component does not exist. Fails on a symlink loop (more than 40 links).
bool ResolveInRoot(const std::string& root, const std::string& path, RootResolution* out);

// root + path, for host access ("/" root gives the path unchanged).
std::string HostPath(const std::string& root, const std::string& path);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_ROOT_PATH_H_
