#ifndef OCIMAKE_RUNTIME_SANDBOX_H_
#define OCIMAKE_RUNTIME_SANDBOX_H_

#include "sandbox_options.h"

namespace ocimake::sandbox {

// Runs OPTIONS.command in new mount, pid, ipc, uts (and, unless
// --share-net, network) namespaces, plus a user namespace when not root,
// forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to it. Returns the code to
// exit with: the command's, or kExitSetupFailed.
int RunSandbox(const SandboxOptions& options);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_SANDBOX_H_
