#include "supervisor.h"

#include <errno.h>
#include <sys/wait.h>

#include "diagnostics.h"

namespace ocimake::sandbox {
namespace {

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP,  SIGQUIT,
                                     SIGUSR1, SIGUSR2, SIGWINCH};

sigset_t SupervisedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (int signal : kForwardedSignals) sigaddset(&set, signal);
  return set;
}

void IgnoreSignal(int) {}

int ExitCodeFromWaitStatus(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

bool IsForwarded(int signal) {
  for (int forwarded : kForwardedSignals) {
    if (signal == forwarded) return true;
  }
  return false;
}

}  // namespace

bool BlockSupervisedSignals(sigset_t* original_mask) {
  sigset_t set = SupervisedSignals();
  if (sigprocmask(SIG_BLOCK, &set, original_mask) != 0) {
    return SyscallFailed("sigprocmask(SIG_BLOCK)");
  }
  struct sigaction action = {};
  action.sa_handler = IgnoreSignal;
  sigemptyset(&action.sa_mask);
  for (int signal = 1; signal < NSIG; ++signal) {
    if (!sigismember(&set, signal)) continue;
    if (sigaction(signal, &action, nullptr) != 0) {
      return SyscallFailed("sigaction(%d)", signal);
    }
  }
  return true;
}

void RestoreSignals(const sigset_t& original_mask) {
  for (int signal = 1; signal < NSIG; ++signal) {
    ::signal(signal, SIG_DFL);  // Fails harmlessly for SIGKILL and the like.
  }
  sigprocmask(SIG_SETMASK, &original_mask, nullptr);
}

int SuperviseChild(pid_t child) {
  sigset_t set = SupervisedSignals();
  for (;;) {
    siginfo_t info;
    int signal = sigwaitinfo(&set, &info);
    if (signal < 0) {
      if (errno == EINTR) continue;
      SyscallFailed("sigwaitinfo()");
      return kExitSetupFailed;
    }
    if (IsForwarded(signal)) {
      kill(child, signal);
      continue;
    }
    int status = 0;
    pid_t reaped;
    while ((reaped = waitpid(-1, &status, WNOHANG)) > 0) {
      if (reaped == child) return ExitCodeFromWaitStatus(status);
    }
  }
}

}  // namespace ocimake::sandbox
