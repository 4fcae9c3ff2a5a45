#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "diagnostics.h"
#include "loopback.h"
#include "new_root.h"
#include "pid1.h"
#include "supervisor.h"
#include "user_namespace.h"

namespace ocimake::sandbox {
namespace {

// What the cloned child needs. The child gets a copy of the parent's memory,
// so it may read everything here.
struct ChildContext {
  const SandboxOptions* options;
  sigset_t original_mask;
  bool user_namespace;
  uid_t outside_uid;
  gid_t outside_gid;
  // The parent keeps the write end open for as long as it lives.
  int parent_alive_read;
  int parent_alive_write;
};

int NamespaceFlags(const SandboxOptions& options, bool user_namespace) {
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (!options.share_network) flags |= CLONE_NEWNET;
  if (user_namespace) flags |= CLONE_NEWUSER;
  return flags;
}

std::string DescribeFlags(int flags) {
  const std::pair<int, const char*> kNames[] = {
      {CLONE_NEWUSER, "CLONE_NEWUSER"}, {CLONE_NEWNS, "CLONE_NEWNS"},
      {CLONE_NEWPID, "CLONE_NEWPID"},   {CLONE_NEWIPC, "CLONE_NEWIPC"},
      {CLONE_NEWUTS, "CLONE_NEWUTS"},   {CLONE_NEWNET, "CLONE_NEWNET"}};
  std::string text;
  for (const auto& [flag, name] : kNames) {
    if ((flags & flag) == 0) continue;
    text += (text.empty() ? "" : "|") + std::string(name);
  }
  return text;
}

// PR_SET_PDEATHSIG, then checks that the parent had not already died: across
// a pid namespace getppid() is 0, so check instead that the parent still
// holds the write end of the pipe (no POLLHUP on the read end).
bool DieWithParent(int parent_alive_read) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    return SyscallFailed("prctl(PR_SET_PDEATHSIG, SIGKILL)");
  }
  struct pollfd fd = {parent_alive_read, POLLIN, 0};
  if (poll(&fd, 1, 0) < 0) return SyscallFailed("poll(parent pipe)");
  close(parent_alive_read);
  return fd.revents == 0;  // Otherwise the parent is gone: exit quietly.
}

bool SetUpNamespaces(const ChildContext& context) {
  const SandboxOptions& options = *context.options;
  if (context.user_namespace &&
      !WriteIdMaps(options.uid, context.outside_uid, options.gid,
                   context.outside_gid)) {
    return false;
  }
  if (sethostname(options.hostname.data(), options.hostname.size()) != 0) {
    return SyscallFailed("sethostname(\"%s\")", options.hostname.c_str());
  }
  if (!options.share_network && !BringUpLoopback()) return false;
  return EnterNewRoot(options);
}

// The cloned child: pid 1 of the new pid namespace. Never returns, so no
// exception or stack frame crosses clone().
int ChildMain(void* argument) noexcept {
  const ChildContext& context = *static_cast<ChildContext*>(argument);
  close(context.parent_alive_write);
  if (!DieWithParent(context.parent_alive_read) ||
      !SetUpNamespaces(context)) {
    _exit(kExitSetupFailed);
  }
  _exit(RunAsInit(*context.options, context.original_mask,
                  context.user_namespace));
}

pid_t CloneChild(ChildContext* context, int flags) {
  constexpr size_t kStackSize = 1 << 20;
  static std::unique_ptr<char[]> stack(new char[kStackSize]);
  return clone(ChildMain, stack.get() + kStackSize, flags | SIGCHLD, context);
}

// Clones the child; root without CAP_SYS_ADMIN (as in many containers)
// falls back to a user namespace. Returns -1 after printing an error.
pid_t StartChild(ChildContext* context) {
  const SandboxOptions& options = *context->options;
  int flags = NamespaceFlags(options, context->user_namespace);
  pid_t child = CloneChild(context, flags);
  if (child < 0 && errno == EPERM && !context->user_namespace) {
    context->user_namespace = true;
    flags = NamespaceFlags(options, true);
    child = CloneChild(context, flags);
  }
  if (child >= 0) return child;
  std::string what = "clone(" + DescribeFlags(flags) + ")";
  if (context->user_namespace && IsUserNamespaceRefusal(errno)) {
    ReportUserNamespaceRefusal(what, errno);
  } else {
    SyscallFailed("%s", what.c_str());
  }
  return -1;
}

}  // namespace

int RunSandbox(const SandboxOptions& options) {
  ChildContext context = {};
  context.options = &options;
  context.user_namespace = geteuid() != 0;
  context.outside_uid = geteuid();
  context.outside_gid = getegid();
  if (!BlockSupervisedSignals(&context.original_mask)) return kExitSetupFailed;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    SyscallFailed("pipe2(O_CLOEXEC)");
    return kExitSetupFailed;
  }
  context.parent_alive_read = pipe_fds[0];
  context.parent_alive_write = pipe_fds[1];
  pid_t child = StartChild(&context);
  close(context.parent_alive_read);
  if (child < 0) return kExitSetupFailed;
  return SuperviseChild(child);
}

}  // namespace ocimake::sandbox
