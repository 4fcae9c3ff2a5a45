#include "mount_point.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "diagnostics.h"
#include "linux_calls.h"
#include "mount_plan.h"
#include "scoped_fd.h"

namespace ocimake::sandbox {
namespace {

std::string Join(const std::string& directory, const std::string& name) {
  return directory == "/" ? "/" + name : directory + "/" + name;
}

// Lists the names in the directory FD is open on, without "." and "..".
bool ListDirectory(int fd, const std::string& path,
                   std::vector<std::string>* names) {
  int listing_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing_fd < 0) return SyscallFailed("open(\"%s\")", path.c_str());
  DIR* dir = fdopendir(listing_fd);
  if (dir == nullptr) {
    close(listing_fd);
    return SyscallFailed("fdopendir(\"%s\")", path.c_str());
  }
  errno = 0;
  while (struct dirent* entry = readdir(dir)) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
      names->push_back(entry->d_name);
    }
  }
  bool ok = errno == 0 || SyscallFailed("readdir(\"%s\")", path.c_str());
  closedir(dir);
  return ok;
}

bool CopySymlink(int original, int shadow, const std::string& name,
                 const std::string& path) {
  char target[PATH_MAX];
  ssize_t length = readlinkat(original, name.c_str(), target, sizeof(target));
  if (length == sizeof(target)) errno = ENAMETOOLONG;
  if (length < 0 || length == sizeof(target)) {
    return SyscallFailed("readlinkat(\"%s\")", path.c_str());
  }
  target[length] = '\0';
  if (symlinkat(target, shadow, name.c_str()) != 0) {
    return SyscallFailed("symlinkat(\"%s\", \"%s\")", target, path.c_str());
  }
  return true;
}

// Recreates entry NAME of ORIGINAL in SHADOW: symlinks are copied, anything
// else is bind-mounted (recursively, keeping its mount flags) onto an empty
// directory or file of the same name.
bool ReplicateEntry(int original, int shadow, const std::string& name,
                    const std::string& path) {
  struct stat st;
  if (fstatat(original, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return SyscallFailed("fstatat(\"%s\")", path.c_str());
  }
  if (S_ISLNK(st.st_mode)) return CopySymlink(original, shadow, name, path);
  int made = S_ISDIR(st.st_mode)
                 ? mkdirat(shadow, name.c_str(), 0755)
                 : mknodat(shadow, name.c_str(), S_IFREG | 0644, 0);
  if (made != 0) return SyscallFailed("mknodat(\"%s\")", path.c_str());
  const int kFlags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
  ScopedFd source(openat(original, name.c_str(), kFlags));
  ScopedFd target(openat(shadow, name.c_str(), kFlags));
  if (!source.valid() || !target.valid()) {
    return SyscallFailed("openat(\"%s\", O_PATH)", path.c_str());
  }
  if (mount(FdPath(source.get()).c_str(), FdPath(target.get()).c_str(),
            nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return SyscallFailed("mount(\"%s\", \"%s\" on a shadow tmpfs, NULL, "
                         "MS_BIND|MS_REC)", path.c_str(), path.c_str());
  }
  return true;
}

// Mounts a tmpfs over DIRECTORY (inside the sandbox) holding the same
// entries. Returns an O_PATH descriptor of the tmpfs, still writable, or -1
// after printing an error.
int ShadowDirectory(const std::string& directory) {
  ScopedFd original(OpenInNewRoot(directory));
  struct stat st;
  if (!original.valid() || fstat(original.get(), &st) != 0) {
    SyscallFailed("open(\"%s\") to shadow it", directory.c_str());
    return -1;
  }
  std::vector<std::string> names;
  if (!ListDirectory(original.get(), directory, &names)) return -1;
  char data[32];
  snprintf(data, sizeof(data), "mode=%04o",
           static_cast<unsigned>(st.st_mode & 07777));
  if (mount("tmpfs", FdPath(original.get()).c_str(), "tmpfs",
            MS_NOSUID | MS_NODEV, data) != 0) {
    SyscallFailed("mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV, "
                  "\"%s\") to shadow a read-only directory",
                  directory.c_str(), data);
    return -1;
  }
  ScopedFd shadow(OpenInNewRoot(directory));
  if (!shadow.valid()) {
    SyscallFailed("open(\"%s\") after shadowing it", directory.c_str());
    return -1;
  }
  for (const std::string& name : names) {
    if (!ReplicateEntry(original.get(), shadow.get(), name,
                        Join(directory, name))) {
      return -1;
    }
  }
  // Best effort: an owner outside the user namespace's map cannot be set.
  fchownat(shadow.get(), "", st.st_uid, st.st_gid, AT_EMPTY_PATH);
  return shadow.release();
}

// Creates NAMES[0]/NAMES[1]/... under DIRECTORY_FD: directories, except the
// last one when !DIRECTORY. On failure returns false with errno set and
// *FAILED naming the entry that could not be created.
bool CreateChain(int directory_fd, const std::vector<std::string>& names,
                 bool directory, std::string* failed) {
  ScopedFd current(dup(directory_fd));
  for (size_t i = 0; i < names.size() && current.valid(); ++i) {
    const char* name = names[i].c_str();
    *failed = names[i];
    bool last = i + 1 == names.size();
    int made = (directory || !last) ? mkdirat(current.get(), name, 0755)
                                    : mknodat(current.get(), name,
                                              S_IFREG | 0644, 0);
    if (made != 0) return false;
    if (!last) {
      current.reset(openat(current.get(), name,
                           O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
  }
  return current.valid();
}

// Creates NAMES under PARENT (inside the sandbox), shadowing PARENT first
// when it cannot be written to.
bool CreateMissing(const std::string& parent,
                   const std::vector<std::string>& names, bool directory) {
  ScopedFd parent_fd(OpenInNewRoot(parent));
  if (!parent_fd.valid()) {
    return SyscallFailed("openat2(\"%s\", \"%s\", RESOLVE_IN_ROOT)", kNewRoot,
                         parent.c_str());
  }
  std::string failed;
  if (CreateChain(parent_fd.get(), names, directory, &failed)) return true;
  if (errno == EEXIST) {
    Error("cannot create mount point %s: it is a symlink whose target is "
          "missing", Join(parent, failed).c_str());
    return false;
  }
  if (errno != EROFS && errno != EACCES && errno != EPERM) {
    return SyscallFailed("mkdirat(\"%s\")", Join(parent, failed).c_str());
  }
  ScopedFd shadow(ShadowDirectory(parent));
  if (!shadow.valid()) return false;
  if (!CreateChain(shadow.get(), names, directory, &failed)) {
    return SyscallFailed("mkdirat(\"%s\") in a shadow tmpfs",
                         Join(parent, failed).c_str());
  }
  if (SetMountAttributes(shadow.get(), kMountReadOnly, false) != 0) {
    return SyscallFailed("mount_setattr(\"%s\", MOUNT_ATTR_RDONLY)",
                         parent.c_str());
  }
  return true;
}

}  // namespace

std::string FdPath(int fd) {
  return std::string(kOldRoot) + "/proc/self/fd/" + std::to_string(fd);
}

int OpenInNewRoot(const std::string& path, int flags) {
  ScopedFd root(open(kNewRoot, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return -1;
  const char* relative = path == "/" ? "." : path.c_str() + 1;
  return OpenInRoot(root.get(), relative, flags);
}

int PrepareMountPoint(const std::string& destination, bool directory) {
  std::vector<std::string> components = PathComponents(destination);
  std::string parent = "/";
  for (size_t i = 0; i < components.size(); ++i) {
    std::string path = Join(parent, components[i]);
    ScopedFd fd(OpenInNewRoot(path));
    if (!fd.valid() && errno != ENOENT) {
      SyscallFailed("openat2(\"%s\", \"%s\", RESOLVE_IN_ROOT)", kNewRoot,
                    path.c_str());
      return -1;
    }
    if (!fd.valid()) {
      std::vector<std::string> missing(components.begin() + i,
                                       components.end());
      if (!CreateMissing(parent, missing, directory)) return -1;
      break;
    }
    parent = path;
  }
  int fd = OpenInNewRoot(destination);
  if (fd < 0) {
    SyscallFailed("openat2(\"%s\", \"%s\", RESOLVE_IN_ROOT)", kNewRoot,
                  destination.c_str());
  }
  return fd;
}

}  // namespace ocimake::sandbox
