#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

extern char** environ;

namespace ocimake {

namespace {

std::vector<std::string> MergedEnv(const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!env.count(kv.substr(0, kv.find('=')))) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  return env_strings;
}

// Starts argv with `env`; `output_fd` (when not -1) becomes its stdout and
// stderr, `stdin_fd` (when not -1) its standard input.
pid_t Spawn(const std::vector<std::string>& argv, std::vector<std::string> env, int output_fd,
            int stdin_fd = -1) {
  std::vector<char*> envp, args;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd != -1) posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  if (output_fd != -1) {
    posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
  }
  // The child gets 0, 1 and 2 only: a descriptor inherited from whoever ran
  // us (ctest, ninja, a lock of ours) would shift the child's own numbering
  // (mmdebstrap's `cat >&N` fails in dash once N > 9).
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    errno = rc;
    FailErrno("running " + argv[0]);
  }
  return pid;
}

// Spawn() with stdout and stderr into a new pipe, whose read end it returns.
pid_t SpawnPiped(const std::vector<std::string>& argv, std::vector<std::string> env,
                 int* read_fd, int stdin_fd = -1) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) FailErrno("pipe");
  pid_t pid;
  try {
    pid = Spawn(argv, std::move(env), fds[1], stdin_fd);
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[1]);
  *read_fd = fds[0];
  return pid;
}

// Everything `fd` gives until EOF (or an error), then closes it.
std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// Writes `bytes` to `fd` and closes it; a reader that went away (EPIPE)
// ends the write without a SIGPIPE killing us.
void WriteAllIgnoringPipe(int fd, const std::string& bytes) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  for (size_t off = 0; off < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(fd);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&block, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

int Wait(pid_t pid, const std::string& name) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) FailErrno("waiting for " + name);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, bool capture) {
  ProcessResult result;
  if (!capture) {
    result.status = Wait(Spawn(argv, MergedEnv(env), -1), argv[0]);
    return result;
  }
  // Into a memory file, read once the child is done: a pipe would wake us
  // for each line (cmake --install writes one per file, 100,000 of them in
  // a large tree), and a daemon the child left holding it cannot hang us.
  int fd = memfd_create("ocimake-output", MFD_CLOEXEC);
  if (fd < 0) FailErrno("memfd_create");
  try {
    result.status = Wait(Spawn(argv, MergedEnv(env), fd), argv[0]);
  } catch (...) {
    close(fd);
    throw;
  }
  if (lseek(fd, 0, SEEK_SET) != 0) FailErrno("lseek on the output of " + argv[0]);
  result.output = ReadAll(fd);
  return result;
}

int RunProcessLines(const std::vector<std::string>& argv,
                    const std::function<void(std::string_view)>& on_line,
                    const std::function<void()>& on_idle) {
  int fd = -1;
  pid_t pid = SpawnPiped(argv, MergedEnv({}), &fd);
  std::string pending;
  char buf[65536];
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int ready = poll(&p, 1, 1000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      on_idle();
      continue;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0, end;
    while ((end = pending.find_first_of("\r\n", start)) != std::string::npos) {
      if (end > start) on_line(std::string_view(pending).substr(start, end - start));
      start = end + 1;
    }
    pending.erase(0, start);
  }
  close(fd);
  if (!pending.empty()) on_line(pending);
  return Wait(pid, argv[0]);
}

ProcessResult RunProcessWithInput(const std::vector<std::string>& argv, const std::string& input) {
  int in_fds[2];
  if (pipe2(in_fds, O_CLOEXEC) != 0) FailErrno("pipe");
  int fd = -1;
  pid_t pid;
  try {
    pid = SpawnPiped(argv, MergedEnv({}), &fd, in_fds[0]);
  } catch (...) {
    close(in_fds[0]);
    close(in_fds[1]);
    throw;
  }
  close(in_fds[0]);
  WriteAllIgnoringPipe(in_fds[1], input);  // small: written whole before reading
  ProcessResult result;
  result.output = ReadAll(fd);
  result.status = Wait(pid, argv[0]);
  return result;
}

}  // namespace ocimake
