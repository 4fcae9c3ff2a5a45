#include "new_root.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "diagnostics.h"
#include "linux_calls.h"
#include "mount_plan.h"
#include "mount_point.h"
#include "scoped_fd.h"

namespace ocimake::sandbox {
namespace {

// Where the staging tmpfs goes before it becomes "/": any host directory
// would do, since it is covered only inside the new mount namespace.
constexpr char kStaging[] = "/tmp";

// The host devices bound into /dev.
constexpr const char* kDevices[] = {"null",   "zero",    "full",
                                    "random", "urandom", "tty"};

bool MakeMountsPrivate() {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return SyscallFailed("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE)");
  }
  return true;
}

// Makes a fresh tmpfs "/", with the host's root at kOldRoot and an empty
// kNewRoot.
bool PivotIntoStaging() {
  if (mount("tmpfs", kStaging, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")) {
    return SyscallFailed("mount(\"tmpfs\", \"%s\", \"tmpfs\")", kStaging);
  }
  if (chdir(kStaging) != 0) return SyscallFailed("chdir(\"%s\")", kStaging);
  if (mkdir(kOldRoot + 1, 0755) != 0 || mkdir(kNewRoot + 1, 0755) != 0) {
    return SyscallFailed("mkdir() in the staging tmpfs");
  }
  if (PivotRoot(".", kOldRoot + 1) != 0) {
    return SyscallFailed("pivot_root(\"%s\", \"%s\")", kStaging, kOldRoot + 1);
  }
  if (chdir("/") != 0) return SyscallFailed("chdir(\"/\")");
  return true;
}

bool BindRootfs(const std::string& rootfs) {
  std::string source = kOldRoot + rootfs;
  if (mount(source.c_str(), kNewRoot, nullptr, MS_BIND | MS_REC, nullptr)) {
    return SyscallFailed("mount(\"%s\", \"/\", NULL, MS_BIND|MS_REC)",
                         rootfs.c_str());
  }
  ScopedFd root(open(kNewRoot, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid() ||
      SetMountAttributes(root.get(),
                         kMountReadOnly | kMountNoSuid | kMountNoDev,
                         /*recursive=*/true) != 0) {
    return SyscallFailed("mount_setattr(\"%s\", AT_RECURSIVE, "
                         "MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID|"
                         "MOUNT_ATTR_NODEV)", rootfs.c_str());
  }
  return true;
}

std::string DescribeMountFlags(unsigned long flags) {
  const std::pair<unsigned long, const char*> kNames[] = {
      {MS_BIND, "MS_BIND"},     {MS_REC, "MS_REC"},
      {MS_NOSUID, "MS_NOSUID"}, {MS_NODEV, "MS_NODEV"},
      {MS_NOEXEC, "MS_NOEXEC"}, {MS_RDONLY, "MS_RDONLY"}};
  std::string text;
  for (const auto& [flag, name] : kNames) {
    if ((flags & flag) == 0) continue;
    text += (text.empty() ? "" : "|") + std::string(name);
  }
  return text.empty() ? "0" : text;
}

// mount(SOURCE, <what TARGET_FD is>, ...). Errors name SHOWN_SOURCE (the
// host path, for a bind) and DESTINATION (the path inside).
bool MountOn(const std::string& source, const std::string& shown_source,
             int target_fd, const char* type, unsigned long flags,
             const char* data, const std::string& destination) {
  if (mount(source.c_str(), FdPath(target_fd).c_str(), type, flags, data)) {
    return SyscallFailed("mount(\"%s\", \"%s\", %s%s%s, %s, \"%s\")",
                         shown_source.c_str(), destination.c_str(),
                         type ? "\"" : "", type ? type : "NULL",
                         type ? "\"" : "", DescribeMountFlags(flags).c_str(),
                         data ? data : "");
  }
  return true;
}

bool MountFileSystem(const char* type, const std::string& destination,
                     unsigned long flags, const char* data) {
  ScopedFd target(PrepareMountPoint(destination, /*directory=*/true));
  return target.valid() &&
         MountOn(type, type, target.get(), type, flags, data, destination);
}

// Binds the host's /dev/NAME into DEV, when the host has one.
bool BindDevice(int dev, const char* name) {
  std::string host = std::string(kOldRoot) + "/dev/" + name;
  struct stat st;
  if (stat(host.c_str(), &st) != 0) return true;
  if (mknodat(dev, name, S_IFREG | 0666, 0) != 0) {
    return SyscallFailed("mknodat(\"/dev/%s\")", name);
  }
  ScopedFd target(openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target.valid()) return SyscallFailed("openat(\"/dev/%s\")", name);
  return MountOn(host, host.substr(strlen(kOldRoot)), target.get(), nullptr,
                 MS_BIND, nullptr, "/dev/" + std::string(name));
}

bool AddDevLinks(int dev) {
  const char* const kLinks[][2] = {{"fd", "/proc/self/fd"},
                                   {"stdin", "/proc/self/fd/0"},
                                   {"stdout", "/proc/self/fd/1"},
                                   {"stderr", "/proc/self/fd/2"}};
  for (const auto& [name, target] : kLinks) {
    if (symlinkat(target, dev, name) != 0) {
      return SyscallFailed("symlinkat(\"%s\", \"/dev/%s\")", target, name);
    }
  }
  return true;
}

// A read-only tmpfs with the host's harmless devices, /dev/shm and the
// usual /dev/fd, /dev/std* symlinks.
bool MountDev(const std::string& destination) {
  if (!MountFileSystem("tmpfs", destination,
                       MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755")) {
    return false;
  }
  ScopedFd dev(OpenInNewRoot(destination));
  if (!dev.valid()) return SyscallFailed("open(\"%s\")", destination.c_str());
  for (const char* name : kDevices) {
    if (!BindDevice(dev.get(), name)) return false;
  }
  if (!AddDevLinks(dev.get())) return false;
  if (mkdirat(dev.get(), "shm", 0755) != 0) {
    return SyscallFailed("mkdirat(\"/dev/shm\")");
  }
  if (!MountFileSystem("tmpfs", destination + "/shm", MS_NOSUID | MS_NODEV,
                       "mode=1777")) {
    return false;
  }
  if (SetMountAttributes(dev.get(), kMountReadOnly, false) != 0) {
    return SyscallFailed("mount_setattr(\"/dev\", MOUNT_ATTR_RDONLY)");
  }
  return true;
}

bool MountBind(const MountStep& step) {
  std::string source = kOldRoot + step.source;
  struct stat st;
  if (stat(source.c_str(), &st) != 0) {
    return SyscallFailed("stat(\"%s\")", step.source.c_str());
  }
  ScopedFd target(PrepareMountPoint(step.destination, S_ISDIR(st.st_mode)));
  if (!target.valid() ||
      !MountOn(source, step.source, target.get(), nullptr, MS_BIND | MS_REC,
               nullptr, step.destination)) {
    return false;
  }
  bool read_only = step.kind == MountStep::Kind::kReadOnlyBind;
  uint64_t attrs =
      kMountNoSuid | kMountNoDev | (read_only ? kMountReadOnly : 0);
  ScopedFd mounted(OpenInNewRoot(step.destination));
  if (!mounted.valid() ||
      SetMountAttributes(mounted.get(), attrs, /*recursive=*/true) != 0) {
    return SyscallFailed("mount_setattr(\"%s\", AT_RECURSIVE, 0x%llx)",
                         step.destination.c_str(),
                         static_cast<unsigned long long>(attrs));
  }
  return true;
}

// The rootfs's directory DESTINATION made writable for the command: an
// overlayfs over it whose upper and work directories are on a tmpfs of
// their own, made in the staging root (gone with it; the overlay keeps what
// it needs). The upper directory takes the lower one's mode and belongs to
// --uid/--gid (whether the sandbox runs as root or in a user namespace), so
// the directory looks as the image has it, owned by the command's user.
bool MountOverlay(const MountStep& step, const SandboxOptions& options) {
  static int count = 0;
  ScopedFd lower(OpenInNewRoot(step.destination, O_PATH | O_DIRECTORY | O_CLOEXEC));
  struct stat st;
  if (!lower.valid() || fstat(lower.get(), &st) != 0) {
    return SyscallFailed("--overlay %s: open in the rootfs", step.destination.c_str());
  }
  std::string scratch = "/overlay." + std::to_string(count++);
  char data[64];
  snprintf(data, sizeof(data), "mode=0755,uid=%u,gid=%u", options.uid, options.gid);
  if (mkdir(scratch.c_str(), 0755) != 0 ||
      mount("tmpfs", scratch.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data) != 0 ||
      mkdir((scratch + "/upper").c_str(), st.st_mode & 07777) != 0 ||
      chown((scratch + "/upper").c_str(), options.uid, options.gid) != 0 ||
      mkdir((scratch + "/work").c_str(), 0700) != 0) {
    return SyscallFailed("--overlay %s: the tmpfs at %s", step.destination.c_str(),
                         scratch.c_str());
  }
  std::string overlay = "lowerdir=" + FdPath(lower.get()) + ",upperdir=" + scratch +
                        "/upper,workdir=" + scratch + "/work,userxattr";
  return MountOn("overlay", "overlay", lower.get(), "overlay", MS_NOSUID | MS_NODEV,
                 overlay.c_str(), step.destination);
}

bool PerformStep(const MountStep& step, const SandboxOptions& options) {
  switch (step.kind) {
    case MountStep::Kind::kDev:
      return MountDev(step.destination);
    case MountStep::Kind::kProc:
      return MountFileSystem("proc", step.destination,
                             MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    case MountStep::Kind::kTmp:
      return MountFileSystem("tmpfs", step.destination, MS_NOSUID | MS_NODEV,
                             "mode=1777");
    case MountStep::Kind::kTmpfs: {
      char data[64];
      snprintf(data, sizeof(data), "mode=0755,uid=%u,gid=%u", options.uid,
               options.gid);
      return MountFileSystem("tmpfs", step.destination, MS_NOSUID | MS_NODEV,
                             data);
    }
    case MountStep::Kind::kOverlay:
      return MountOverlay(step, options);
    case MountStep::Kind::kBind:
    case MountStep::Kind::kReadOnlyBind:
      return MountBind(step);
  }
  return false;
}

bool PopulateNewRoot(const SandboxOptions& options) {
  if (!BindRootfs(options.rootfs)) return false;
  for (const MountStep& step : PlanMounts(options.mounts)) {
    if (!PerformStep(step, options)) return false;
  }
  ScopedFd working_directory(
      PrepareMountPoint(options.working_directory, /*directory=*/true));
  return working_directory.valid();
}

// Detaches the host's root, then makes kNewRoot "/" and detaches the
// staging tmpfs (pivot_root(".", ".") stacks the old root on the new one).
bool PivotIntoNewRoot() {
  if (umount2(kOldRoot, MNT_DETACH) != 0) {
    return SyscallFailed("umount2(\"%s\", MNT_DETACH)", kOldRoot);
  }
  if (chdir(kNewRoot) != 0) return SyscallFailed("chdir(\"%s\")", kNewRoot);
  if (PivotRoot(".", ".") != 0) {
    return SyscallFailed("pivot_root(\"%s\", \"%s\")", kNewRoot, kNewRoot);
  }
  if (umount2(".", MNT_DETACH) != 0) {
    return SyscallFailed("umount2(old root, MNT_DETACH)");
  }
  if (chdir("/") != 0) return SyscallFailed("chdir(\"/\")");
  return true;
}

}  // namespace

bool EnterNewRoot(const SandboxOptions& options) {
  mode_t saved_umask = umask(0);  // Mount points get exactly 0755.
  bool ok = MakeMountsPrivate() && PivotIntoStaging() &&
            PopulateNewRoot(options) && PivotIntoNewRoot();
  umask(saved_umask);
  return ok;
}

}  // namespace ocimake::sandbox
