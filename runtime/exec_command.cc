#include "exec_command.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "diagnostics.h"
#include "linux_calls.h"
#include "supervisor.h"

namespace ocimake::sandbox {
namespace {

// Empties the bounding set, so that no later execve() can grant a
// capability, not even to uid 0. Needs CAP_SETPCAP, which we still have.
bool DropBoundingSet() {
  for (int capability = 0; capability < 64; ++capability) {
    if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && errno != EINVAL) {
      return SyscallFailed("prctl(PR_CAPBSET_DROP, %d)", capability);
    }
  }
  return true;
}

bool SwitchIds(uid_t uid, gid_t gid, bool in_user_namespace) {
  // In a user namespace setgroups is denied and there are no other groups.
  if (!in_user_namespace && setgroups(0, nullptr) != 0) {
    return SyscallFailed("setgroups(0, NULL)");
  }
  if (setresgid(gid, gid, gid) != 0) {
    return SyscallFailed("setresgid(%u, %u, %u)", gid, gid, gid);
  }
  if (setresuid(uid, uid, uid) != 0) {
    return SyscallFailed("setresuid(%u, %u, %u)", uid, uid, uid);
  }
  return true;
}

bool ClearCapabilities() {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
      errno != EINVAL) {
    return SyscallFailed("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)");
  }
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &header, data) != 0) {
    return SyscallFailed("capset(all empty)");
  }
  return true;
}

// Dies when pid 1 does. Set after the id switch, which clears it.
bool DieWithInit() {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    return SyscallFailed("prctl(PR_SET_PDEATHSIG, SIGKILL)");
  }
  if (getppid() != 1) {
    Error("the sandbox's pid 1 exited before the command started");
    return false;
  }
  return true;
}

// chdir(DIRECTORY), then checks that "." is DIRECTORY and reachable.
bool EnterWorkingDirectory(const std::string& directory) {
  if (chdir(directory.c_str()) != 0) {
    return SyscallFailed("chdir(\"%s\")", directory.c_str());
  }
  struct stat here, there;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr || stat(".", &here) != 0 ||
      stat(directory.c_str(), &there) != 0) {
    return SyscallFailed("getcwd() after chdir(\"%s\")", directory.c_str());
  }
  if (here.st_dev != there.st_dev || here.st_ino != there.st_ino) {
    Error("chdir(\"%s\") ended in %s", directory.c_str(), cwd);
    return false;
  }
  return true;
}

bool ReplaceEnvironment(const SandboxOptions& options) {
  if (clearenv() != 0) return SyscallFailed("clearenv()");
  for (const auto& [name, value] : options.environment) {
    if (setenv(name.c_str(), value.c_str(), 1) != 0) {
      return SyscallFailed("setenv(\"%s\")", name.c_str());
    }
  }
  return true;
}

bool PrepareProcess(const SandboxOptions& options, bool in_user_namespace) {
  if (setsid() < 0) return SyscallFailed("setsid()");
  if (!DropPrivileges(options, in_user_namespace) || !DieWithInit() ||
      !EnterWorkingDirectory(options.working_directory) ||
      !ReplaceEnvironment(options)) {
    return false;
  }
  if (CloseFileDescriptorsFrom(3) != 0) {
    return SyscallFailed("close_range(3, ~0U, 0)");
  }
  return true;
}

}  // namespace

bool DropPrivileges(const SandboxOptions& options, bool in_user_namespace) {
  if (!DropBoundingSet() ||
      !SwitchIds(options.uid, options.gid, in_user_namespace) ||
      !ClearCapabilities()) {
    return false;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return SyscallFailed("prctl(PR_SET_NO_NEW_PRIVS, 1)");
  }
  return true;
}

void ExecCommand(const SandboxOptions& options, const sigset_t& original_mask,
                 bool in_user_namespace) {
  RestoreSignals(original_mask);
  if (!PrepareProcess(options, in_user_namespace)) _exit(kExitSetupFailed);
  std::vector<char*> argv;
  for (const std::string& argument : options.command) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int error = errno;
  SyscallFailed("execvp(\"%s\")", argv[0]);
  _exit(error == ENOENT || error == ENOTDIR ? kExitNotFound
                                            : kExitNotExecutable);
}

}  // namespace ocimake::sandbox
