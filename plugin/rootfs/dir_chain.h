// The open directories of the path an unpacker last wrote into, so the next
// entry in the same or a nearby directory opens only the components that
// differ: unpacking a chain N directories deep costs O(N) opens, not O(N^2)
// path resolutions, and a path longer than PATH_MAX works (every open is
// one component relative to its parent's fd).
//
// Each component is opened with openat(O_NOFOLLOW | O_DIRECTORY): a symlink
// (or anything but a directory) in the path is never followed here; Open()
// reports it and the caller resolves that path its own (slower) way. At
// most kMaxOpen directory fds stay open, the deepest ones; a path that
// leaves the open window is walked again from the deepest ancestor still
// open (the root at worst).
#ifndef OCIMAKE_ROOTFS_DIR_CHAIN_H_
#define OCIMAKE_ROOTFS_DIR_CHAIN_H_

#include <cstddef>
#include <string>
#include <vector>

namespace ocimake {

class DirChain {
 public:
  static constexpr size_t kMaxOpen = 64;
  static constexpr int kMissing = -1;   // a component is missing (and !create)
  static constexpr int kNotPlain = -2;  // a component is a symlink or no directory

  explicit DirChain(int root_fd) : root_fd_(root_fd) {}
  ~DirChain() { Truncate(0); }
  DirChain(const DirChain&) = delete;
  DirChain& operator=(const DirChain&) = delete;

  // The directory `parts` below the root (created with mode 0755 where
  // missing when `create`): an fd the chain owns, valid until the next call,
  // or kMissing / kNotPlain. Fails on any other error.
  int Open(const std::vector<std::string>& parts, bool create);
  // Forgets every level with more than `depth` components: call it when
  // something at that depth may have been removed or replaced.
  void Truncate(size_t depth);
  // Directory fds held open now (for tests).
  size_t open_count() const;

 private:
  int Descend(const std::vector<std::string>& parts, size_t i, bool create);
  int root_fd_;
  std::vector<std::string> names_;  // the components of the current path
  std::vector<int> fds_;            // fds_[i]: names_[0..i]; -1 once closed
  size_t lowest_open_ = 0;          // the open fds are fds_[lowest_open_..]
};

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_DIR_CHAIN_H_
