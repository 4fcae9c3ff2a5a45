#include "rootfs/rootfs_unpacker.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

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

// Splits a layer entry name into components; rejects "..".
std::vector<std::string> SplitEntryName(const std::string& name, const std::string& what) {
  std::vector<std::string> parts;
  std::istringstream in(name);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..")
      Fail("{}: entry '{}': '..' is not allowed in a layer entry name", what, name);
    parts.push_back(part);
  }
  return parts;
}

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

struct RootfsUnpacker::Entry {
  std::string what;       // "layer sha256:..: entry NAME"
  std::string dir;        // parent path inside the root ("" for the root)
  std::string name;       // last component
  int type = 0;           // AE_IFREG, AE_IFDIR, AE_IFLNK, or 0 for a hardlink
  mode_t mode = 0644;
  int64_t uid = 0, gid = 0;
  std::string link;       // symlink target (verbatim) or hardlink target path
  archive* reader = nullptr;
  int64_t size = 0;
};

RootfsUnpacker::RootfsUnpacker(const std::string& root, uint64_t max_bytes)
    : root_(root), max_bytes_(max_bytes), as_root_(geteuid() == 0) {
  root_fd_ = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) FailErrno("opening " + root);
}

RootfsUnpacker::~RootfsUnpacker() {
  if (root_fd_ >= 0) close(root_fd_);
}

namespace {

// Joins and normalises inside the root: ".." at the root stays at the root.
std::string ClampedJoin(const std::string& base, const std::string& rel) {
  std::vector<std::string> out;
  std::istringstream in((rel.empty() || rel[0] != '/') ? base + "/" + rel : rel);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(part);
  }
  return Join(out, out.size());
}

}  // namespace

int RootfsUnpacker::OpenDir(const std::string& path, bool create) {
  return OpenDirFollowing(path, create, 0);
}

int RootfsUnpacker::OpenDirFollowing(const std::string& path, bool create, int depth) {
  constexpr int kMaxLinks = 40;
  if (depth > kMaxLinks) Fail("/{}: too many levels of symbolic links", path);
  std::vector<std::string> parts;
  {
    std::istringstream in(path);
    std::string part;
    while (std::getline(in, part, '/'))
      if (!part.empty() && part != ".") parts.push_back(part);
  }
  int fd = OpenInRoot(root_fd_, "", O_RDONLY | O_DIRECTORY);
  for (size_t i = 0; i < parts.size(); ++i) {
    int next = OpenInRoot(root_fd_, Join(parts, i + 1), O_RDONLY | O_DIRECTORY);
    if (next < 0 && errno == ENOENT && create) {
      // Created relative to the (already resolved) parent: the new name is
      // a plain component, so nothing here can be redirected.
      if (mkdirat(fd, parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        int saved = errno;
        close(fd);
        errno = saved;
        FailErrno("creating directory /" + Join(parts, i + 1));
      }
      struct stat st;
      if (fstatat(fd, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        // A dangling symlink on the way: create its target, inside the
        // root, as the kernel would resolve it after chroot.
        char target[4096];
        ssize_t n = readlinkat(fd, parts[i].c_str(), target, sizeof target);
        close(fd);
        if (n < 0) FailErrno("readlink /" + Join(parts, i + 1));
        std::string rest;
        for (size_t j = i + 1; j < parts.size(); ++j) rest += "/" + parts[j];
        std::string resolved =
            ClampedJoin(Join(parts, i), std::string(target, static_cast<size_t>(n))) + rest;
        return OpenDirFollowing(resolved, create, depth + 1);
      }
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

void RootfsUnpacker::ApplyWhiteout(const std::string& dir, const std::string& name) {
  Fd parent(OpenDir(dir, false));
  if (parent.get() < 0) return;  // nothing there to hide
  RemoveAt(parent.get(), name);
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
}

void RootfsUnpacker::ApplyEntry(const Entry& e) {
  Fd parent(OpenDir(e.dir, true));
  const char* name = e.name.c_str();
  struct stat st;
  bool exists = fstatat(parent.get(), name, &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && !(e.type == AE_IFDIR && S_ISDIR(st.st_mode))) RemoveAt(parent.get(), e.name);
  mode_t mode = e.mode & 01777;  // setuid and setgid dropped
  if (e.type == AE_IFDIR) {
    if (!exists || !S_ISDIR(st.st_mode)) {
      if (mkdirat(parent.get(), name, 0700) != 0) FailErrno(e.what + ": mkdir");
    }
    Fd dir(openat(parent.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dir.get() < 0) FailErrno(e.what + ": open");
    // Directories stay owner-writable so later layers can add to them.
    fchmod(dir.get(), mode | 0700);
    if (as_root_) fchown(dir.get(), static_cast<uid_t>(e.uid), static_cast<gid_t>(e.gid));
  } else if (e.type == AE_IFLNK) {
    if (symlinkat(e.link.c_str(), parent.get(), name) != 0) FailErrno(e.what + ": symlink");
    if (as_root_)
      fchownat(parent.get(), name, static_cast<uid_t>(e.uid), static_cast<gid_t>(e.gid),
               AT_SYMLINK_NOFOLLOW);
  } else if (e.type == 0) {
    // A hardlink: the target is resolved inside the root too, and must be a
    // regular file already unpacked.
    std::vector<std::string> parts = SplitEntryName(e.link, e.what);
    Fd target(OpenInRoot(root_fd_, Join(parts, parts.size()), O_PATH | O_NOFOLLOW));
    if (target.get() < 0) FailErrno(e.what + ": hardlink target " + e.link);
    struct stat ts;
    if (fstat(target.get(), &ts) != 0 || !S_ISREG(ts.st_mode))
      Fail("{}: hardlink target {} is not a regular file", e.what, e.link);
    std::string proc = "/proc/self/fd/" + std::to_string(target.get());
    if (linkat(AT_FDCWD, proc.c_str(), parent.get(), name, AT_SYMLINK_FOLLOW) != 0)
      FailErrno(e.what + ": link to " + e.link);
  } else {
    Fd out(openat(parent.get(), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (out.get() < 0) FailErrno(e.what + ": create");
    const void* buf;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int rc = archive_read_data_block(e.reader, &buf, &size, &offset);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN) Fail("{}: {}", e.what, archive_error_string(e.reader));
      bytes_ += size;
      if (bytes_ > max_bytes_)
        Fail("{}: the image unpacks to more than the limit of {} bytes", e.what, max_bytes_);
      if (pwrite(out.get(), buf, size, offset) != static_cast<ssize_t>(size))
        FailErrno(e.what + ": write");
    }
    if (ftruncate(out.get(), e.size) != 0) FailErrno(e.what + ": truncate");
    fchmod(out.get(), mode);
    if (as_root_) fchown(out.get(), static_cast<uid_t>(e.uid), static_cast<gid_t>(e.gid));
  }
}

void RootfsUnpacker::ApplyLayer(const std::string& tar_path, const std::string& what) {
  layer_paths_.clear();
  archive* a = archive_read_new();
  struct Free {
    archive* a;
    ~Free() { archive_read_free(a); }
  } free_a{a};
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  if (archive_read_open_filename(a, tar_path.c_str(), 1 << 20) != ARCHIVE_OK)
    Fail("{}: {}", what, archive_error_string(a));
  archive_entry* ae;
  for (;;) {
    int rc = archive_read_next_header(a, &ae);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) Fail("{}: {}", what, archive_error_string(a));
    const char* raw = archive_entry_pathname(ae);
    std::string name = raw ? raw : "";
    std::string ewhat = what + ": entry " + name;
    std::vector<std::string> parts = SplitEntryName(name, what);
    if (parts.empty()) continue;  // "./": the root itself
    Entry e;
    e.what = ewhat;
    e.name = parts.back();
    e.dir = Join(parts, parts.size() - 1);
    std::string path = Join(parts, parts.size());
    if (e.name == kOpaqueMarker) {
      ApplyOpaque(e.dir);
      continue;
    }
    if (e.name.rfind(kWhiteoutPrefix, 0) == 0) {
      std::string hidden = e.name.substr(4);
      if (hidden.empty() || hidden == "." || hidden == ".." ||
          hidden.rfind(kWhiteoutPrefix, 0) == 0)
        Fail("{}: invalid whiteout '{}'", what, name);
      ApplyWhiteout(e.dir, hidden);
      continue;
    }
    const char* hardlink = archive_entry_hardlink(ae);
    int type = archive_entry_filetype(ae);
    if (hardlink) {
      e.type = 0;
      e.link = hardlink;
    } else if (type == AE_IFREG || type == AE_IFDIR || type == AE_IFLNK) {
      e.type = type;
      if (type == AE_IFLNK) e.link = archive_entry_symlink(ae) ? archive_entry_symlink(ae) : "";
    } else {
      continue;  // devices, FIFOs, sockets: not reproduced (see the header)
    }
    e.mode = archive_entry_perm(ae);
    e.uid = archive_entry_uid(ae);
    e.gid = archive_entry_gid(ae);
    e.size = archive_entry_size(ae);
    e.reader = a;
    ApplyEntry(e);
    layer_paths_.insert(path);
  }
}

void UnpackImage(const LoadedImage& image, const std::string& dest, uint64_t max_bytes) {
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
}

std::string CachedRootfs(const LoadedImage& image, const std::string& cache_dir) {
  std::string dir = JoinPath(cache_dir, "rootfs");
  MakeDirs(dir);
  std::string dest = JoinPath(dir, image.manifest_descriptor.digest.hex());
  if (IsDirectory(dest)) return dest;
  FileLock lock(dest + ".lock");
  if (!IsDirectory(dest)) UnpackImage(image, dest);
  return dest;
}


}  // namespace ocimake
