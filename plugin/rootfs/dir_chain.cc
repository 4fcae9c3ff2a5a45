#include "rootfs/dir_chain.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.h"

namespace ocimake {

namespace {

std::string Shown(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "/" + parts[i];
  return out;
}

int OpenPlainDir(int parent, const std::string& name) {
  return openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

}  // namespace

void DirChain::Truncate(size_t depth) {
  while (fds_.size() > depth) {
    if (fds_.back() >= 0) close(fds_.back());
    fds_.pop_back();
    names_.pop_back();
  }
  if (lowest_open_ > fds_.size()) lowest_open_ = fds_.size();
}

size_t DirChain::open_count() const { return fds_.size() - lowest_open_; }

// Opens parts[i] in the level above it (the last one of the chain) and
// appends it, closing the shallowest fd beyond kMaxOpen.
int DirChain::Descend(const std::vector<std::string>& parts, size_t i, bool create) {
  // The layer reader never gives these; the slow path clamps them anyway.
  if (parts[i].empty() || parts[i] == "." || parts[i] == ".." ||
      parts[i].find('/') != std::string::npos)
    return kNotPlain;
  int parent = i == 0 ? root_fd_ : fds_[i - 1];
  int fd = OpenPlainDir(parent, parts[i]);
  if (fd < 0 && errno == ENOENT && create) {
    if (mkdirat(parent, parts[i].c_str(), 0755) != 0 && errno != EEXIST)
      FailErrno("creating directory " + Shown(parts, i + 1));
    fd = OpenPlainDir(parent, parts[i]);
  }
  if (fd < 0) {
    if (errno == ENOENT && !create) return kMissing;
    if (errno == ELOOP || errno == ENOTDIR) return kNotPlain;
    FailErrno("opening directory " + Shown(parts, i + 1) + " inside the root");
  }
  names_.push_back(parts[i]);
  fds_.push_back(fd);
  if (open_count() > kMaxOpen) {
    close(fds_[lowest_open_]);
    fds_[lowest_open_++] = -1;
  }
  return fd;
}

int DirChain::Open(const std::vector<std::string>& parts, bool create) {
  size_t common = 0;
  while (common < parts.size() && common < names_.size() && names_[common] == parts[common])
    ++common;
  Truncate(common);
  // The parent of the first new component closed: walked again from the
  // deepest ancestor still open, which is the root (the open fds are the
  // deepest levels, and those below `common` are gone).
  if (common > 0 && fds_[common - 1] < 0) Truncate(0);
  for (size_t i = fds_.size(); i < parts.size(); ++i) {
    int fd = Descend(parts, i, create);
    if (fd < 0) return fd;
  }
  return parts.empty() ? root_fd_ : fds_.back();
}

}  // namespace ocimake
