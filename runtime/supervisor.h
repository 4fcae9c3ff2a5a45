// Waiting for a child while forwarding signals to it: what both the outer
// ocimake-sandbox process and pid 1 inside the sandbox do.

#ifndef OCIMAKE_RUNTIME_SUPERVISOR_H_
#define OCIMAKE_RUNTIME_SUPERVISOR_H_

#include <signal.h>
#include <sys/types.h>

namespace ocimake::sandbox {

// Blocks SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH, saving the previous
// mask in *ORIGINAL_MASK, and installs no-op handlers for them so that they
// reach even pid 1 of a pid namespace (which ignores signals it has no
// handler for). Children inherit both. Returns false after printing an error.
bool BlockSupervisedSignals(sigset_t* original_mask);

// Undoes BlockSupervisedSignals() in a child about to exec: every signal
// gets its default action and the mask becomes ORIGINAL_MASK.
void RestoreSignals(const sigset_t& original_mask);

// Waits until CHILD exits, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to
// it and reaping any other child that exits meanwhile. Returns CHILD's exit
// status, or 128+N if signal N killed it.
int SuperviseChild(pid_t child);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_SUPERVISOR_H_
