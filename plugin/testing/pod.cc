#include "testing/pod.h"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace {

constexpr int kPodSetupFailed = 125;  // as ocimake-sandbox's setup failures

bool IsHostName(const std::string& name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  for (char c : name)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

// PR_SET_PDEATHSIG, then a check that the parent had not died before it:
// across a pid namespace getppid() is 0, so the check is that the parent
// still holds the write end of `parent_alive` (no POLLHUP on this end).
void DieWithParent(int parent_alive) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) FailErrno("prctl(PR_SET_PDEATHSIG)");
  struct pollfd fd = {parent_alive, POLLIN, 0};
  if (poll(&fd, 1, 0) < 0) FailErrno("poll(parent pipe)");
  if (fd.revents != 0) _exit(kPodSetupFailed);  // the parent is gone already
  close(parent_alive);
}

// The caller's own parent: ctest. Dies with it.
void DieWithCaller() {
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) FailErrno("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent) _exit(kPodSetupFailed);
}

void WriteProcFile(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    int saved = errno;
    if (fd >= 0) close(fd);
    errno = saved;
    FailErrno("writing '" + text + "' to " + path);
  }
  close(fd);
}

// The caller's uid and gid mapped to themselves: all an unprivileged process
// may map, and the ids files keep on the host.
void EnterUserNamespace() {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER) != 0) FailErrno("unshare(CLONE_NEWUSER)");
  WriteProcFile("/proc/self/setgroups", "deny");
  WriteProcFile("/proc/self/uid_map", fmt::format("{} {} 1\n", uid, uid));
  WriteProcFile("/proc/self/gid_map", fmt::format("{} {} 1\n", gid, gid));
}

// New network, mount and pid namespaces (the pid namespace for the next
// child); a user namespace first when not root, or when root lacks
// CAP_SYS_ADMIN (as in many containers).
void EnterPodNamespaces() {
  const int flags = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID;
  if (geteuid() != 0) EnterUserNamespace();
  if (unshare(flags) == 0) return;
  if (errno == EPERM && geteuid() == 0) {
    EnterUserNamespace();
    if (unshare(flags) == 0) return;
  }
  FailErrno("unshare(CLONE_NEWNET|CLONE_NEWNS|CLONE_NEWPID)");
}

void BringUpLoopback() {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) FailErrno("socket(AF_INET, SOCK_DGRAM)");
  struct ifreq request;
  memset(&request, 0, sizeof request);
  strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool up = ioctl(sock, SIOCGIFFLAGS, &request) == 0 &&
            (request.ifr_flags |= IFF_UP | IFF_RUNNING, ioctl(sock, SIOCSIFFLAGS, &request) == 0);
  int saved = errno;
  close(sock);
  errno = saved;
  if (!up) FailErrno("bringing up the pod's loopback (ioctl SIOCSIFFLAGS lo)");
}

void BindHostsFile(const std::string& hosts_file) {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    FailErrno("mount(NULL, \"/\", MS_REC|MS_PRIVATE)");
  if (mount(hosts_file.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0)
    FailErrno("bind-mounting " + hosts_file + " over /etc/hosts");
}

// Pid 1 of the pod. Never returns: no stack frame of the caller's runs twice.
[[noreturn]] void PodMain(int parent_alive, const sigset_t& mask, const std::string& hosts_file,
                          const std::function<int()>& body) noexcept {
  int status = kPodSetupFailed;
  try {
    sigprocmask(SIG_SETMASK, &mask, nullptr);
    DieWithParent(parent_alive);
    BindHostsFile(hosts_file);
    BringUpLoopback();
    status = body();
  } catch (const std::exception& e) {
    fmt::print(stderr, "ocimake: pod: {}\n", Printable(e.what()));
  }
  std::cout.flush();
  fflush(nullptr);
  _exit(status);
}

// Waits for the pod; a signal to this process kills it.
int WaitForPod(pid_t pod, const sigset_t& signals) {
  int killed_by = 0;
  for (;;) {
    int signal = sigwaitinfo(&signals, nullptr);
    if (signal < 0) continue;  // EINTR
    if (signal != SIGCHLD) {
      kill(pod, SIGKILL);
      killed_by = signal;
      continue;
    }
    int status = 0;
    if (waitpid(pod, &status, WNOHANG) != pod) continue;
    if (killed_by != 0) return 128 + killed_by;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }
}

}  // namespace

std::string PodHostsFile(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) {
    if (!IsHostName(name))
      Fail("service name '{}': expected a host name (letters, digits and '-', at most 63)", name);
    list += " " + name;
  }
  return fmt::format("127.0.0.1\tlocalhost{}\n::1\tlocalhost ip6-localhost ip6-loopback{}\n", list,
                     list);
}

int RunInPod(const std::string& hosts_file, const std::function<int()>& body) {
  std::cout.flush();
  fflush(nullptr);
  DieWithCaller();
  EnterPodNamespaces();
  sigset_t signals, original;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&signals, s);
  sigprocmask(SIG_BLOCK, &signals, &original);
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) != 0) FailErrno("pipe2");
  pid_t pod = fork();
  if (pod < 0) FailErrno("fork() into the pod");
  if (pod == 0) {
    close(alive[1]);
    PodMain(alive[0], original, hosts_file, body);
  }
  close(alive[0]);
  int status = WaitForPod(pod, signals);
  close(alive[1]);
  sigprocmask(SIG_SETMASK, &original, nullptr);
  return status;
}

}  // namespace ocimake
