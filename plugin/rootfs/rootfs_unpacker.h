// Unpacks image layers into a directory, treating every layer as hostile.
//
// Every path is resolved inside the root with openat2(RESOLVE_IN_ROOT), so
// neither ".." nor a symlink (absolute or relative, from this layer or a
// lower one) can reach outside it: a write through `localetc -> /etc` lands in
// <root>/etc. Entries whose names contain ".." are rejected outright (as
// moby does), as are malformed whiteouts. Symlink targets are stored
// verbatim. Whiteouts (.wh.NAME) and opaque directories (.wh..wh..opq) are
// applied as the OCI image spec says, matching `umoci unpack`.
//
// What is not reproduced: device nodes and FIFOs (skipped: a toolchain or a
// smoke test never needs them, and an unprivileged unpack could not create
// them), setuid/setgid bits (dropped: nothing in a rootfs we run should gain
// privileges), ownership unless running as root, xattrs, and mtimes.
#ifndef OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_
#define OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_

#include <cstdint>
#include <set>
#include <string>

#include "oci/image.h"

namespace ocimake {

inline constexpr uint64_t kDefaultMaxUnpackBytes = 32ull << 30;

class RootfsUnpacker {
 public:
  // `root` must be an existing empty (or partly unpacked) directory.
  RootfsUnpacker(const std::string& root, uint64_t max_bytes = kDefaultMaxUnpackBytes);
  ~RootfsUnpacker();
  RootfsUnpacker(const RootfsUnpacker&) = delete;
  RootfsUnpacker& operator=(const RootfsUnpacker&) = delete;

  // Applies one layer tarball (any compression); `what` names it in errors.
  void ApplyLayer(const std::string& tar_path, const std::string& what);
  uint64_t bytes_written() const { return bytes_; }

 private:
  struct Entry;
  void ApplyEntry(const Entry& e);
  void ApplyWhiteout(const std::string& dir, const std::string& name);
  void ApplyOpaque(const std::string& dir);
  int OpenDir(const std::string& path, bool create);
  int OpenDirFollowing(const std::string& path, bool create, int depth);
  int root_fd_ = -1;
  std::string root_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  std::set<std::string> layer_paths_;  // created by the layer being applied
  bool as_root_;
};

// Unpacks `image` (its blobs verified first) into a new directory `dest`
// (created through a temp directory and a rename: it exists complete or not
// at all).
void UnpackImage(const LoadedImage& image, const std::string& dest,
                 uint64_t max_bytes = kDefaultMaxUnpackBytes);

// The rootfs of `image` in the cache (<cache>/rootfs/<manifest hex>),
// unpacked on first use under a lock; concurrent callers wait and share it.
std::string CachedRootfs(const LoadedImage& image, const std::string& cache_dir);

// OCIMAKE_CACHE_DIR, else $XDG_CACHE_HOME/ocimake, else ~/.cache/ocimake.
}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_
