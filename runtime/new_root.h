// Builds the sandbox's file system view and makes it the root.

#ifndef OCIMAKE_RUNTIME_NEW_ROOT_H_
#define OCIMAKE_RUNTIME_NEW_ROOT_H_

#include "sandbox_options.h"

namespace ocimake::sandbox {

// In a new mount namespace (and pid namespace, for /proc): makes all mounts
// private, stages the new root on a tmpfs, mounts the rootfs there
// read-only, adds /dev, /proc, /tmp and the requested mounts (creating
// missing mount points as mount_point.h describes, and the working directory
// if missing), pivots into it and detaches the host's root. Returns false
// after printing an error.
bool EnterNewRoot(const SandboxOptions& options);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_NEW_ROOT_H_
