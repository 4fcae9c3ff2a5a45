#include "testing/service_test.h"

#include <string.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "base/error.h"
#include "testing/pod_processes.h"

namespace ocimake {

namespace {

constexpr size_t kLogLines = 50;
constexpr auto kFirstProbeDelay = std::chrono::milliseconds(10);
constexpr auto kLongestProbeDelay = std::chrono::milliseconds(500);

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(signal);
}

template <typename... Args>
void Progress(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print("-- {}\n", fmt::format(format, std::forward<Args>(args)...));
  fflush(stdout);
}

class ServiceTestRun {
 public:
  explicit ServiceTestRun(const ServiceTestPlan& plan) : plan_(plan) {}

  int Run() {
    bool started = true;
    for (const auto& sidecar : plan_.sidecars)
      if (started) started = StartAndWait(sidecar);
    if (started) started = StartAndWait(plan_.service);
    int client_status = started && !plan_.client.empty() ? RunClient() : 0;
    for (auto it = running_.rbegin(); it != running_.rend(); ++it) Stop(*it->first, it->second);
    if (failed_) PrintLogs();
    return client_status != 0 ? client_status : failed_ ? 1 : 0;
  }

 private:
  template <typename... Args>
  void Failure(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print("{}{}\n", kServiceTestFailure, fmt::format(format, std::forward<Args>(args)...));
    fflush(stdout);
    failed_ = true;
  }

  // Starts `s` and waits until its probe passes: false, after saying why,
  // when it exits first or the probe still fails at the deadline.
  bool StartAndWait(const PodService& s) {
    Clock::time_point start = Clock::now();
    pid_t pid = processes_.Start(s.argv, s.log_file);
    running_.emplace_back(&s, pid);
    if (!s.ready) {
      Progress("{}: started", s.name);
      return true;
    }
    Clock::time_point deadline = start + Seconds(plan_.ready_timeout);
    Clock::duration delay = kFirstProbeDelay;
    for (std::string why;;) {
      if (auto status = processes_.Status(pid)) {
        reported_.insert(pid);
        Failure("{}: exited with status {} before it was ready ({})", s.name, *status, s.ready->text);
        return false;
      }
      if (ProbeReady(*s.ready, s.log_file, &why)) {
        Progress("{}: ready ({}) after {:.2f} s", s.name, s.ready->text, SecondsSince(start));
        return true;
      }
      if (Clock::now() >= deadline) {
        Failure("{}: not ready after {} s: {}: {}", s.name, plan_.ready_timeout, s.ready->text, why);
        return false;
      }
      processes_.WaitUntil(pid, std::min(Clock::now() + delay, deadline));
      delay = std::min<Clock::duration>(delay * 3 / 2, kLongestProbeDelay);
    }
  }

  int RunClient() {
    if (plan_.client_label.empty())
      Progress("client: {}", fmt::join(plan_.client, " "));
    else
      Progress("client {}", plan_.client_label);
    int status = processes_.Wait(processes_.Start(plan_.client));
    if (status != 0) Failure("the client exited with status {}", status);
    return status;
  }

  void Stop(const PodService& s, pid_t pid) {
    if (auto status = processes_.Status(pid)) {
      if (reported_.insert(pid).second)
        Failure("{}: exited with status {} before it was stopped", s.name, *status);
      return;
    }
    Clock::time_point start = Clock::now();
    auto [status, killed] = processes_.Stop(pid, s.stop_signal, plan_.stop_timeout);
    std::string signal = SignalName(s.stop_signal);
    bool checked = &s == &plan_.service && plan_.expect_clean_shutdown;
    if (checked && killed) {
      Failure("{}: still running {} s after {} (EXPECT_CLEAN_SHUTDOWN); killed", s.name,
              plan_.stop_timeout, signal);
    } else if (checked && status != 0) {
      Failure("{}: exited with status {} after {} (EXPECT_CLEAN_SHUTDOWN expects 0)", s.name,
              status, signal);
    } else {
      Progress("{}: stopped by {} in {:.2f} s, status {}{}", s.name, killed ? "SIGKILL" : signal,
               SecondsSince(start), status, killed ? " (did not stop on " + signal + ")" : "");
    }
  }

  void PrintLogs() {
    for (const auto& [s, pid] : running_)
      fmt::print("-- {}'s output ({}):\n{}", s->name, s->log_file, LogTail(s->log_file, s->name, kLogLines));
    fflush(stdout);
  }

  const ServiceTestPlan& plan_;
  PodProcesses processes_;
  std::vector<std::pair<const PodService*, pid_t>> running_;
  std::set<pid_t> reported_;
  bool failed_ = false;
};

}  // namespace

int RunServiceTest(const ServiceTestPlan& plan) {
  return ServiceTestRun(plan).Run();
}

}  // namespace ocimake
