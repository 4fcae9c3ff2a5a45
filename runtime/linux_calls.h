// Thin wrappers for the Linux system calls that glibc 2.36 does not wrap, or
// wraps in headers that clash with <sys/mount.h>. Each returns what the
// system call returns and sets errno; none prints anything.

#ifndef OCIMAKE_RUNTIME_LINUX_CALLS_H_
#define OCIMAKE_RUNTIME_LINUX_CALLS_H_

#include <stdint.h>

namespace ocimake::sandbox {

// openat2(root_fd, path, {flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS}):
// resolves PATH as if ROOT_FD were "/", so that absolute symlinks and ".."
// inside an image never lead outside it. Linux >= 5.6.
int OpenInRoot(int root_fd, const char* path, int flags);

// Attributes for SetMountAttributes().
constexpr uint64_t kMountReadOnly = 0x1;  // MOUNT_ATTR_RDONLY
constexpr uint64_t kMountNoSuid = 0x2;    // MOUNT_ATTR_NOSUID
constexpr uint64_t kMountNoDev = 0x4;     // MOUNT_ATTR_NODEV

// mount_setattr(fd, "", AT_EMPTY_PATH [| AT_RECURSIVE], {attr_set = ATTRS}):
// adds ATTRS to the mount FD refers to (and to every mount below it when
// RECURSIVE) without touching the flags it already has. Linux >= 5.12.
int SetMountAttributes(int fd, uint64_t attrs, bool recursive);

// pivot_root(new_root, put_old).
int PivotRoot(const char* new_root, const char* put_old);

// Closes every file descriptor >= FIRST: close_range(2), or a walk of
// /proc/self/fd where close_range is missing.
int CloseFileDescriptorsFrom(int first);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_LINUX_CALLS_H_
