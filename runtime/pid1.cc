#include "pid1.h"

#include <sys/prctl.h>
#include <unistd.h>

#include "diagnostics.h"
#include "exec_command.h"
#include "supervisor.h"
#include "tcp_forwarder.h"

namespace ocimake::sandbox {

int RunAsInit(const SandboxOptions& options, const sigset_t& original_mask,
              bool in_user_namespace) {
  if (setsid() < 0) {
    SyscallFailed("setsid()");
    return kExitSetupFailed;
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    SyscallFailed("prctl(PR_SET_DUMPABLE, 0)");
    return kExitSetupFailed;
  }
  if (!StartTcpForwarder(options, in_user_namespace)) return kExitSetupFailed;
  pid_t command = fork();
  if (command < 0) {
    SyscallFailed("fork()");
    return kExitSetupFailed;
  }
  if (command == 0) ExecCommand(options, original_mask, in_user_namespace);
  return SuperviseChild(command);
}

}  // namespace ocimake::sandbox
