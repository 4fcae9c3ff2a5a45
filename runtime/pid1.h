#ifndef OCIMAKE_RUNTIME_PID1_H_
#define OCIMAKE_RUNTIME_PID1_H_

#include <signal.h>

#include "sandbox_options.h"

namespace ocimake::sandbox {

// Runs as pid 1 of the sandbox's pid namespace once its root is built:
// leaves the caller's session (so that a terminal's ^C reaches the command
// once, through the outer process), makes itself undumpable (so that the
// command cannot ptrace it and borrow the capabilities it still holds),
// forks the command, forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to it and
// reaps every orphan until it exits. Returns the command's exit status, or
// 128+N if signal N killed it. When pid 1 then exits, the kernel kills
// whatever is left in the namespace.
int RunAsInit(const SandboxOptions& options, const sigset_t& original_mask,
              bool in_user_namespace);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_PID1_H_
