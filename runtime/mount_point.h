// Finding and creating mount points inside the new root while it is being
// built. At that time the staging tmpfs is "/", the host's root is at
// kOldRoot and the sandbox's future root at kNewRoot.
//
// The rootfs is mounted read-only before anything else and is never written
// to. When a mount point is missing and the directory that should hold it is
// read-only (the rootfs, a --ro-bind, or a directory made this way before),
// that directory is "shadowed": a tmpfs is mounted over it, each of its
// entries is bind-mounted (directories and files, recursively, keeping
// their mount flags) or copied (symlinks) into the tmpfs, the missing entries
// are created there, and the tmpfs is made read-only. Seen from inside, the
// directory has the same contents plus the new mount point.

#ifndef OCIMAKE_RUNTIME_MOUNT_POINT_H_
#define OCIMAKE_RUNTIME_MOUNT_POINT_H_

#include <fcntl.h>

#include <string>

namespace ocimake::sandbox {

constexpr char kOldRoot[] = "/oldroot";
constexpr char kNewRoot[] = "/newroot";

// "/oldroot/proc/self/fd/N": a path that mount(2) resolves to exactly what FD
// refers to (a magic link of the host's procfs).
std::string FdPath(int fd);

// Opens PATH, an absolute path inside the sandbox, as the new root looks now:
// openat2(RESOLVE_IN_ROOT) from kNewRoot, so symlinks in the image resolve
// inside it. Returns -1 with errno set.
int OpenInNewRoot(const std::string& path, int flags = O_PATH | O_CLOEXEC);

// Makes sure DESTINATION (absolute, normalized, inside the sandbox) exists in
// the new root, as a directory or as an empty file, creating it and its
// missing parents as described above. Returns an O_PATH descriptor of it,
// or -1 after printing an error.
int PrepareMountPoint(const std::string& destination, bool directory);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_MOUNT_POINT_H_
