#include "rootfs/rootfs_unpacker.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "closure/root_path.h"
#include "layer/layer_reader.h"

namespace ocimake {

namespace {

// Opens `path` relative to `root_fd` as if root_fd were "/".
int OpenInRoot(int root_fd, const std::string& path, int flags) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* p = path.empty() ? "." : path.c_str();
  return static_cast<int>(syscall(SYS_openat2, root_fd, p, &how, sizeof how));
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string Join(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

// Removes `name` in `dir_fd`, recursively, never following a symlink.
void RemoveAt(int dir_fd, const std::string& name) {
  struct stat st;
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    int fd = openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) FailErrno("opening " + name + " to remove it");
    DIR* d = fdopendir(fd);
    if (!d) {
      close(fd);
      FailErrno("reading directory " + name);
    }
    std::vector<std::string> children;
    while (dirent* e = readdir(d)) {
      std::string c = e->d_name;
      if (c != "." && c != "..") children.push_back(c);
    }
    for (const auto& c : children) RemoveAt(dirfd(d), c);
    closedir(d);
    if (unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) FailErrno("removing " + name);
  } else if (unlinkat(dir_fd, name.c_str(), 0) != 0) {
    FailErrno("removing " + name);
  }
}

}  // namespace

RootfsUnpacker::RootfsUnpacker(const std::string& root, uint64_t max_bytes)
    : root_(root), max_bytes_(max_bytes), as_root_(geteuid() == 0) {
  root_fd_ = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) FailErrno("opening " + root);
  chain_ = std::make_unique<DirChain>(root_fd_);
}

RootfsUnpacker::~RootfsUnpacker() {
  chain_.reset();
  if (root_fd_ >= 0) close(root_fd_);
}

namespace {

// Joins and normalises inside the root: ".." at the root stays at the root.
std::string ClampedJoin(const std::string& base, const std::string& rel) {
  std::vector<std::string> out;
  for (auto& part : PathComponents((rel.empty() || rel[0] != '/') ? base + "/" + rel : rel)) {
    if (part != "..") out.push_back(part);
    else if (!out.empty()) out.pop_back();
  }
  return Join(out, out.size());
}

}  // namespace

// Through the chain of open directories; a path with a symlink on the way
// (or a file where a directory should be) the slow way, which resolves it
// inside the root or names the error. The fd returned is the caller's.
int RootfsUnpacker::OpenDir(const std::string& path, bool create) {
  int fd = chain_->Open(PathComponents(path), create);
  resolved_slowly_ = fd == DirChain::kNotPlain;
  if (fd == DirChain::kMissing) return -1;
  if (resolved_slowly_) return OpenDirFollowing(path, create, 0);
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) FailErrno("opening directory /" + path);
  return copy;
}

// Something in `dir` (as the last OpenDir resolved it) was removed. The
// chain then holds `dir` and its ancestors, which that leaves alone (what is
// below is forgotten all the same); but a path resolved through a symlink
// may be anywhere, even one of the directories the chain holds (p/q/l -> /p,
// then q replaced): then the whole chain goes.
void RootfsUnpacker::Removed(const std::string& dir) {
  chain_->Truncate(resolved_slowly_ ? 0 : PathComponents(dir).size());
}

namespace {

// Creates directory parts[i] in `fd`, the resolved parts[0..i). Created
// relative to the (already resolved) parent: the new name is a plain
// component, so nothing here can be redirected. When a dangling symlink is
// in the way, returns the whole path with it resolved inside the root, as
// the kernel would after chroot (`fd` is closed then).
std::optional<std::string> CreateComponent(int fd, const std::vector<std::string>& parts,
                                           size_t i) {
  if (mkdirat(fd, parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
    int saved = errno;
    close(fd);
    errno = saved;
    FailErrno("creating directory /" + Join(parts, i + 1));
  }
  struct stat st;
  if (fstatat(fd, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
    return std::nullopt;
  char target[4096];
  ssize_t n = readlinkat(fd, parts[i].c_str(), target, sizeof target);
  close(fd);
  if (n < 0) FailErrno("readlink /" + Join(parts, i + 1));
  std::string rest;
  for (size_t j = i + 1; j < parts.size(); ++j) rest += "/" + parts[j];
  return ClampedJoin(Join(parts, i), std::string(target, static_cast<size_t>(n))) + rest;
}

}  // namespace

int RootfsUnpacker::OpenDirFollowing(const std::string& path, bool create, int depth) {
  constexpr int kMaxLinks = 40;
  if (depth > kMaxLinks) Fail("/{}: too many levels of symbolic links", path);
  std::vector<std::string> parts = PathComponents(path);
  int fd = OpenInRoot(root_fd_, "", O_RDONLY | O_DIRECTORY);
  for (size_t i = 0; i < parts.size(); ++i) {
    int next = OpenInRoot(root_fd_, Join(parts, i + 1), O_RDONLY | O_DIRECTORY);
    if (next < 0 && errno == ENOENT && create) {
      if (auto resolved = CreateComponent(fd, parts, i))
        return OpenDirFollowing(*resolved, create, depth + 1);
      next = OpenInRoot(root_fd_, Join(parts, i + 1), O_RDONLY | O_DIRECTORY);
    }
    close(fd);
    if (next < 0) {
      if (!create && errno == ENOENT) return -1;
      FailErrno("opening directory /" + Join(parts, i + 1) + " inside the root");
    }
    fd = next;
  }
  return fd;
}

namespace {

// "usr/bin" and "app" of "usr/bin/app"; "" and "app" of "app".
std::pair<std::string, std::string> SplitParent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

// Where an entry goes: its name in an already resolved parent directory.
struct RootfsUnpacker::Slot {
  Fd parent;
  std::string name;
  std::string what;  // "layer sha256:..: entry NAME"
};

void RootfsUnpacker::ApplyWhiteout(const std::string& path) {
  auto [dir, name] = SplitParent(path);
  Fd parent(OpenDir(dir, false));
  if (parent.get() < 0) return;  // nothing there to hide
  RemoveAt(parent.get(), name);
  Removed(dir);
}

void RootfsUnpacker::ApplyOpaque(const std::string& dir) {
  Fd parent(OpenDir(dir, true));
  DIR* d = fdopendir(dup(parent.get()));
  if (!d) FailErrno("reading directory /" + dir);
  std::vector<std::string> children;
  while (dirent* e = readdir(d)) {
    std::string c = e->d_name;
    if (c == "." || c == "..") continue;
    std::string path = dir.empty() ? c : dir + "/" + c;
    // What this layer itself put there stays; lower layers' entries go.
    if (!layer_paths_.count(path)) children.push_back(c);
  }
  closedir(d);
  for (const auto& c : children) RemoveAt(parent.get(), c);
  Removed(dir);
}

void RootfsUnpacker::Chown(int fd, const char* name, const LayerTarEntry& e) {
  if (!as_root_) return;
  auto uid = static_cast<uid_t>(e.uid);
  auto gid = static_cast<gid_t>(e.gid);
  if (name) fchownat(fd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
  else fchown(fd, uid, gid);
}

void RootfsUnpacker::MakeDir(const Slot& s, const LayerTarEntry& e, bool exists) {
  if (!exists && mkdirat(s.parent.get(), s.name.c_str(), 0700) != 0) FailErrno(s.what + ": mkdir");
  Fd dir(openat(s.parent.get(), s.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dir.get() < 0) FailErrno(s.what + ": open");
  // Directories stay owner-writable so later layers can add to them.
  fchmod(dir.get(), e.mode | 0700);
  Chown(dir.get(), nullptr, e);
  if (e.uid != 0 || e.gid != 0) owned_dirs_[e.path] = fmt::format("{}:{}", e.uid, e.gid);
  else owned_dirs_.erase(e.path);
}

void RootfsUnpacker::MakeSymlink(const Slot& s, const LayerTarEntry& e) {
  if (symlinkat(e.link.c_str(), s.parent.get(), s.name.c_str()) != 0)
    FailErrno(s.what + ": symlink");
  Chown(s.parent.get(), s.name.c_str(), e);
}

// The target is resolved inside the root too, and must be a regular file
// already unpacked.
void RootfsUnpacker::MakeHardlink(const Slot& s, const LayerTarEntry& e) {
  auto [dir, name] = SplitParent(e.link);
  Fd parent(OpenDir(dir, false));
  if (parent.get() < 0) errno = ENOENT;
  Fd target(parent.get() < 0 ? -1
                             : openat(parent.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (target.get() < 0) FailErrno(s.what + ": hardlink target /" + e.link);
  struct stat ts;
  if (fstat(target.get(), &ts) != 0 || !S_ISREG(ts.st_mode))
    Fail("{}: hardlink target /{} is not a regular file", s.what, e.link);
  std::string proc = "/proc/self/fd/" + std::to_string(target.get());
  if (linkat(AT_FDCWD, proc.c_str(), s.parent.get(), s.name.c_str(), AT_SYMLINK_FOLLOW) != 0)
    FailErrno(s.what + ": link to /" + e.link);
}

void RootfsUnpacker::MakeFile(const Slot& s, const LayerTarEntry& e, LayerReader& reader) {
  Fd out(openat(s.parent.get(), s.name.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (out.get() < 0) FailErrno(s.what + ": create");
  reader.ReadContent([&](const char* data, size_t size) {
    if (write(out.get(), data, size) != static_cast<ssize_t>(size)) FailErrno(s.what + ": write");
  });
  if (ftruncate(out.get(), e.size) != 0) FailErrno(s.what + ": truncate");
  fchmod(out.get(), e.mode);
  Chown(out.get(), nullptr, e);
}

// A directory over a directory merges; anything else replaces what is there
// (a symlink is replaced, never written through).
void RootfsUnpacker::ApplyEntry(const LayerTarEntry& e, LayerReader& reader,
                                const std::string& what) {
  auto [dir, name] = SplitParent(e.path);
  Slot s{Fd(OpenDir(dir, true)), name, what + ": entry " + e.path};
  struct stat st;
  bool exists = fstatat(s.parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  bool merge = exists && e.type == LayerTarEntry::kDir && S_ISDIR(st.st_mode);
  if (exists && !merge) {
    RemoveAt(s.parent.get(), name);
    Removed(dir);
  }
  switch (e.type) {
    case LayerTarEntry::kDir: return MakeDir(s, e, merge);
    case LayerTarEntry::kSymlink: return MakeSymlink(s, e);
    case LayerTarEntry::kHardlink: return MakeHardlink(s, e);
    default: return MakeFile(s, e, reader);
  }
}

LayerReadPolicy RootfsUnpacker::Policy() const {
  LayerReadPolicy p;
  p.max_bytes = max_bytes_;
  p.bytes_before = bytes_;
  p.skip_special = true;  // devices, FIFOs, sockets: not reproduced (see the header)
  p.drop_setid = true;
  return p;
}

void RootfsUnpacker::ApplyLayer(const std::string& tar_path, const std::string& what) {
  layer_paths_.clear();
  chain_->Truncate(0);
  LayerReader reader(tar_path, what, Policy());
  LayerTarEntry e;
  while (reader.Next(&e)) {
    if (e.type == LayerTarEntry::kOpaque) {
      ApplyOpaque(e.path);
    } else if (e.type == LayerTarEntry::kWhiteout) {
      ApplyWhiteout(e.path);
    } else {
      ApplyEntry(e, reader, what);
      layer_paths_.insert(e.path);
    }
  }
  bytes_ += static_cast<uint64_t>(reader.stats().content_bytes);
}

std::map<std::string, std::string> UnpackImage(const LoadedImage& image, const std::string& dest,
                                               uint64_t max_bytes) {
  if (PathExists(dest)) Fail("{}: already exists", dest);
  TempDir temp(DirName(AbsolutePath(dest)), ".unpack-");
  std::string root = JoinPath(temp.path(), "rootfs");
  MakeDirs(root);
  chmod(root.c_str(), 0755);
  RootfsUnpacker unpacker(root, max_bytes);
  for (const auto& l : image.manifest.layers) {
    std::string what = image.name + " layer " + l.digest.str();
    image.layout->ReadBlob(l, [](const char*, size_t) {});  // verified first
    unpacker.ApplyLayer(image.layout->BlobPath(l.digest), what);
  }
  if (rename(root.c_str(), dest.c_str()) != 0) FailErrno("renaming " + root + " to " + dest);
  return unpacker.owned_dirs();
}

std::vector<std::string> OwnedDirectories(const std::string& rootfs, int64_t uid) {
  std::vector<std::string> dirs;
  std::string file = rootfs + ".owners";
  if (uid == 0 || !PathExists(file)) return dirs;
  std::string prefix = std::to_string(uid) + ":";
  for (const auto& line : Split(ReadFile(file), '\n')) {
    size_t space = line.find(' ');
    if (!StartsWith(line, prefix) || space == std::string::npos) continue;
    // Still a directory, reached through no symlink: a later layer may have
    // deleted it or put a link there, and an overlay must never land on
    // what a link names.
    std::string path = line.substr(space + 1);
    RootResolution r;
    struct stat st;
    if (ResolveInRoot(rootfs, path, &r) && r.symlinks.empty() && r.path == path &&
        lstat(HostPath(rootfs, path).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      dirs.push_back(path);
  }
  return dirs;
}

namespace {

// Unpacks `image` to `dest` of the cache under its entry's lock, unless a
// concurrent caller has.
void UnpackToCache(const LoadedImage& image, const std::string& dest) {
  FileLock lock(dest + ".lock");
  if (IsDirectory(dest) && PathExists(dest + ".owners")) return;
  RemoveTree(dest);
  // Unpacked beside, its owners written, then renamed: the rootfs is there
  // only with its .owners file.
  std::string fresh = dest + ".new";
  RemoveTree(fresh);  // left by a run that was killed
  std::string owners;
  for (const auto& [path, ids] : UnpackImage(image, fresh)) owners += ids + " /" + path + "\n";
  WriteFileAtomic(dest + ".owners", owners);
  if (rename(fresh.c_str(), dest.c_str()) != 0) FailErrno("renaming " + fresh + " to " + dest);
}

}  // namespace

std::string CachedRootfs(const LoadedImage& image, const std::string& cache_dir) {
  std::string dir = JoinPath(cache_dir, "rootfs");
  MakeDirs(dir);
  std::string dest = JoinPath(dir, image.manifest_descriptor.digest.hex());
  // Complete only with its .owners file (one unpacked by an older ocimake
  // has none: unpacked again).
  auto complete = [&] { return IsDirectory(dest) && PathExists(dest + ".owners"); };
  if (!complete()) UnpackToCache(image, dest);
  HoldCacheEntry(dest + ".lock");  // in use until we exit: `ocimake cache prune` leaves it
  if (!complete())
    Fail("{}: removed from the cache as it was unpacked (by `ocimake cache prune`?); run again",
         dest);
  return dest;
}

}  // namespace ocimake
