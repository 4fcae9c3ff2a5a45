// Which mounts make up the sandbox's root, and in which order. Pure logic:
// new_root.cc carries the plan out.

#ifndef OCIMAKE_RUNTIME_MOUNT_PLAN_H_
#define OCIMAKE_RUNTIME_MOUNT_PLAN_H_

#include <string>
#include <vector>

#include "sandbox_options.h"

namespace ocimake::sandbox {

struct MountStep {
  enum class Kind {
    kDev,           // Minimal /dev: tmpfs with host null, zero, ... bound in.
    kProc,          // procfs of the sandbox's pid namespace.
    kTmp,           // The always-present /tmp tmpfs (mode 1777).
    kTmpfs,         // A --tmpfs (mode 0755, owned by --uid/--gid).
    kOverlay,       // An --overlay: the rootfs's directory, made writable
                    // by an overlayfs whose upper layer is a tmpfs.
    kBind,          // --bind: read-write, nosuid, nodev.
    kReadOnlyBind,  // --ro-bind: read-only, nosuid, nodev.
  };
  Kind kind;
  std::string source;       // Host path, for binds.
  std::string destination;  // Absolute path inside.
};

// Returns /dev, /proc and /tmp, then the requested mounts in command-line
// order, stably sorted by depth of destination so that a mount is always made
// before any mount nested inside it (which would otherwise be hidden).
std::vector<MountStep> PlanMounts(const std::vector<MountRequest>& requests);

// Number of components in an absolute, normalized path: "/" -> 0, "/a/b" -> 2.
size_t PathDepth(const std::string& path);

// Components of an absolute, normalized path: "/a/b" -> {"a", "b"}.
std::vector<std::string> PathComponents(const std::string& path);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_MOUNT_PLAN_H_
