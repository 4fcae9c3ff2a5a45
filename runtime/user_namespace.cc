#include "user_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diagnostics.h"
#include "scoped_fd.h"

namespace ocimake::sandbox {
namespace {

struct Sysctl {
  const char* name;
  const char* path;
  const char* needed;
};

constexpr Sysctl kUserNamespaceSysctls[] = {
    {"user.max_user_namespaces", "/proc/sys/user/max_user_namespaces",
     "> 0"},
    {"kernel.unprivileged_userns_clone",
     "/proc/sys/kernel/unprivileged_userns_clone", "1"},
    {"kernel.apparmor_restrict_unprivileged_userns",
     "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0"},
};

// Returns the sysctl's value, "unreadable", or "" when the kernel has none.
std::string ReadSysctl(const char* path) {
  if (access(path, F_OK) != 0) return "";
  ScopedFd fd(open(path, O_RDONLY | O_CLOEXEC));
  char buffer[64] = {};
  ssize_t n = fd.valid() ? read(fd.get(), buffer, sizeof(buffer) - 1) : -1;
  if (n <= 0) return "unreadable";
  std::string value(buffer, n);
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) {
    value.pop_back();
  }
  return value;
}

bool WriteProcFile(const char* path, const std::string& content) {
  ScopedFd fd(open(path, O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  ssize_t n = write(fd.get(), content.data(), content.size());
  return n == static_cast<ssize_t>(content.size());
}

bool WriteIdMap(const char* path, unsigned inside, unsigned outside) {
  std::string line = std::to_string(inside) + " " + std::to_string(outside) +
                     " 1\n";
  if (WriteProcFile(path, line)) return true;
  std::string what = std::string("write(\"") + path + "\", \"" +
                     line.substr(0, line.size() - 1) + "\")";
  if (errno == EPERM) {
    ReportUserNamespaceRefusal(what, errno);
  } else {
    SyscallFailed("%s", what.c_str());
  }
  return false;
}

}  // namespace

bool IsUserNamespaceRefusal(int error) {
  return error == EPERM || error == EINVAL || error == ENOSPC ||
         error == EUSERS || error == EACCES;
}

void ReportUserNamespaceRefusal(const std::string& what, int error) {
  std::string checks;
  for (const Sysctl& sysctl : kUserNamespaceSysctls) {
    std::string value = ReadSysctl(sysctl.path);
    if (value.empty()) continue;
    checks += checks.empty() ? "" : ", ";
    checks += std::string(sysctl.name) + " (is " + value + ", needs " +
              sysctl.needed + ")";
  }
  if (checks.empty()) checks = "user.max_user_namespaces (needs > 0)";
  Error("%s: %s: the kernel refused to create a user namespace for an "
        "unprivileged user; check sysctl %s",
        what.c_str(), strerror(error), checks.c_str());
}

bool WriteIdMaps(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
                 gid_t outside_gid) {
  if (!WriteProcFile("/proc/self/setgroups", "deny\n") && errno != ENOENT) {
    return SyscallFailed("write(\"/proc/self/setgroups\", \"deny\")");
  }
  return WriteIdMap("/proc/self/uid_map", inside_uid, outside_uid) &&
         WriteIdMap("/proc/self/gid_map", inside_gid, outside_gid);
}

}  // namespace ocimake::sandbox
