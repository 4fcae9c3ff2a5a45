// Unpacks image layers into a directory, treating every layer as hostile.
//
// Every path is resolved inside the root: one component at a time from the
// open directories of the previous entry's path (a DirChain, dir_chain.h:
// linear in the depth, no PATH_MAX limit, no symlink followed), and a path
// with a symlink on the way with openat2(RESOLVE_IN_ROOT), so neither ".."
// nor a symlink (absolute or relative, from this layer or a lower one) can
// reach outside it: a write through `localetc -> /etc` lands in <root>/etc.
// The entries come from the one layer reader (layer_reader.h), which
// rejects names with ".." (as moby does) and malformed whiteouts, and
// leaves out device nodes, drops setuid bits and enforces the size limit by
// the policy the unpacker gives it. Symlink targets are stored verbatim.
// Whiteouts (.wh.NAME) and opaque directories (.wh..wh..opq) are applied
// as the OCI image spec says, matching `umoci unpack`.
//
// What is not reproduced: device nodes and FIFOs (skipped: a toolchain or a
// smoke test never needs them, and an unprivileged unpack could not create
// them), setuid/setgid bits (dropped: nothing in a rootfs we run should gain
// privileges), ownership unless running as root, xattrs, and mtimes.
#ifndef OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_
#define OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "layer/layer_reader.h"
#include "oci/image.h"
#include "rootfs/dir_chain.h"

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
  // The content bytes of the layers applied so far (counted against
  // max_bytes).
  uint64_t bytes_written() const { return bytes_; }
  // The directories the layers give to someone other than root, as the
  // last layer to state each left it: path ("var/lib/api") -> "uid:gid".
  // Recorded whether or not the unpack could chown (only root can).
  const std::map<std::string, std::string>& owned_dirs() const { return owned_dirs_; }

 private:
  struct Slot;
  LayerReadPolicy Policy() const;
  void ApplyEntry(const LayerTarEntry& e, LayerReader& reader, const std::string& what);
  void ApplyWhiteout(const std::string& path);
  void ApplyOpaque(const std::string& dir);
  void MakeDir(const Slot& s, const LayerTarEntry& e, bool exists);
  void MakeSymlink(const Slot& s, const LayerTarEntry& e);
  void MakeHardlink(const Slot& s, const LayerTarEntry& e);
  void MakeFile(const Slot& s, const LayerTarEntry& e, LayerReader& reader);
  void Chown(int fd, const char* name, const LayerTarEntry& e);
  int OpenDir(const std::string& path, bool create);
  void Removed(const std::string& dir);
  int OpenDirFollowing(const std::string& path, bool create, int depth);
  int root_fd_ = -1;
  std::unique_ptr<DirChain> chain_;  // the last entry's parent, kept open
  bool resolved_slowly_ = false;     // the last OpenDir met a symlink
  std::string root_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  std::set<std::string> layer_paths_;  // created by the layer being applied
  std::map<std::string, std::string> owned_dirs_;
  bool as_root_;
};

// Unpacks `image` (its blobs verified first) into a new directory `dest`
// (created through a temp directory and a rename: it exists complete or not
// at all). Returns the unpacker's owned_dirs().
std::map<std::string, std::string> UnpackImage(const LoadedImage& image, const std::string& dest,
                                               uint64_t max_bytes = kDefaultMaxUnpackBytes);

// The rootfs of `image` in the cache (<cache>/rootfs/<manifest hex>),
// unpacked on first use under a lock; concurrent callers wait and share it.
// Beside it, <hex>.owners lists owned_dirs(), one "UID:GID /PATH" a line
// (OwnedDirectories reads it).
std::string CachedRootfs(const LoadedImage& image, const std::string& cache_dir);

// The directories of a cached rootfs that belong to `uid` (not root), from
// its .owners file: absolute paths inside the image, sorted.
std::vector<std::string> OwnedDirectories(const std::string& rootfs, int64_t uid);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_ROOTFS_UNPACKER_H_
