#include "testing/pod_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <thread>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

void RedirectOutput(const std::string& log_file) {
  int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = open(log_file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
    fmt::print(stderr, "ocimake: {}: {}\n", log_file, strerror(errno));
    _exit(125);
  }
}

int ExitStatus(int wait_status) {
  return WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

}  // namespace

pid_t PodProcesses::Start(const std::vector<std::string>& argv, const std::string& log_file) {
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  if (!log_file.empty()) WriteFileAtomic(log_file, "");  // there before a probe reads it
  std::cout.flush();
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) FailErrno("fork() for " + argv[0]);
  if (pid == 0) {
    if (!log_file.empty()) RedirectOutput(log_file);
    execvp(args[0], args.data());
    fmt::print(stderr, "ocimake: cannot run {}: {}\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  return pid;
}

void PodProcesses::Reap(bool block) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0) {
    exited_[pid] = ExitStatus(status);
    if (block) return;
  }
}

std::optional<int> PodProcesses::Status(pid_t pid) {
  Reap(false);
  auto it = exited_.find(pid);
  if (it == exited_.end()) return std::nullopt;
  return it->second;
}

std::optional<int> PodProcesses::WaitUntil(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    if (auto status = Status(pid)) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

int PodProcesses::Wait(pid_t pid) {
  while (!exited_.count(pid)) Reap(true);
  return exited_[pid];
}

std::pair<int, bool> PodProcesses::Stop(pid_t pid, int signal, double grace_seconds) {
  if (auto status = Status(pid)) return {*status, false};
  kill(pid, signal);
  auto grace = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(grace_seconds));
  if (auto status = WaitUntil(pid, Clock::now() + grace)) return {*status, false};
  kill(pid, SIGKILL);
  return {Wait(pid), true};
}

std::string LogTail(const std::string& log_file, const std::string& name, size_t count) {
  std::vector<std::string> lines = Split(ReadFile(log_file), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return fmt::format("  {}| (no output)\n", name);
  size_t first = lines.size() > count ? lines.size() - count : 0;
  std::string text;
  if (first > 0) text += fmt::format("  {}| ... {} earlier lines in {}\n", name, first, log_file);
  for (size_t i = first; i < lines.size(); ++i) text += fmt::format("  {}| {}\n", name, lines[i]);
  return text;
}

int ParseSignal(const std::string& text) {
  static const std::pair<const char*, int> kSignals[] = {
      {"TERM", SIGTERM}, {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"HUP", SIGHUP},
      {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"WINCH", SIGWINCH}, {"KILL", SIGKILL}};
  if (IsDecimal(text) && text.size() <= 2 && std::stoi(text) >= 1 && std::stoi(text) < NSIG)
    return std::stoi(text);
  std::string name = StartsWith(text, "SIG") ? text.substr(3) : text;
  for (const auto& [n, number] : kSignals)
    if (name == n) return number;
  Fail("stop signal '{}': expected SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, "
       "SIGKILL or a number",
       text);
}

}  // namespace ocimake
