#include "linux_calls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ocimake::sandbox {

static_assert(kMountReadOnly == MOUNT_ATTR_RDONLY);
static_assert(kMountNoSuid == MOUNT_ATTR_NOSUID);
static_assert(kMountNoDev == MOUNT_ATTR_NODEV);

int OpenInRoot(int root_fd, const char* path, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(
      syscall(SYS_openat2, root_fd, path, &how, sizeof(how)));
}

int SetMountAttributes(int fd, uint64_t attrs, bool recursive) {
  struct mount_attr attr = {};
  attr.attr_set = attrs;
  unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  return static_cast<int>(
      syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof(attr)));
}

int PivotRoot(const char* new_root, const char* put_old) {
  return static_cast<int>(syscall(SYS_pivot_root, new_root, put_old));
}

int CloseFileDescriptorsFrom(int first) {
  if (syscall(SYS_close_range, first, ~0U, 0) == 0) return 0;
  if (errno != ENOSYS) return -1;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int dir_fd = dirfd(dir);
  while (struct dirent* entry = readdir(dir)) {
    int fd = atoi(entry->d_name);
    if (fd >= first && fd != dir_fd) close(fd);
  }
  closedir(dir);
  return 0;
}

}  // namespace ocimake::sandbox
