// The pool of downloaded .deb files that DEBIAN toolchains share:
// <cache>/debs/<arch>/ (or <arch>-<mirror hash> for a MIRROR), so a second
// toolchain, or a changed PACKAGES list, downloads only what is new.
//
// A .deb's file name (name_version_arch.deb) names one file within one
// archive, whatever the suite, so one pool per architecture serves every
// suite of Debian's archive; another MIRROR may be another archive (a
// rebuild with the same names), so it gets its own pool. mmdebstrap copies
// the pool into the chroot's /var/cache/apt/archives (sync-in) and copies
// that directory out again (sync-out) into a private outbox; Adopt() then
// renames the new files into the pool, so a file in the pool is always whole
// and concurrent toolchain builds need no lock. apt-get clean, at the end of
// mmdebstrap, empties the chroot's archives: no .deb stays in the rootfs.
#ifndef OCIMAKE_ROOTFS_DEB_POOL_H_
#define OCIMAKE_ROOTFS_DEB_POOL_H_

#include <cstddef>
#include <string>

namespace ocimake {

class DebPool {
 public:
  // `arch` empty: the host's (dpkg --print-architecture).
  DebPool(const std::string& cache_dir, const std::string& arch, const std::string& mirror);
  const std::string& dir() const { return dir_; }
  // The number of .deb files in the pool.
  size_t Count() const;
  // Moves the .deb files of `outbox` that the pool lacks into it (fsynced,
  // then renamed); returns how many were new.
  size_t Adopt(const std::string& outbox);

 private:
  std::string dir_;
};

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_DEB_POOL_H_
