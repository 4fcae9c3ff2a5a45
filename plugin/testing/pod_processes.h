// The processes a pod's pid 1 starts and reaps: services with their output
// in a log file, and the client with the test's own output. Pid 1 also
// inherits every orphan of the pod, so all waiting goes through one table
// that reaps any child and keeps the statuses of the ones it started.
#ifndef OCIMAKE_TESTING_POD_PROCESSES_H_
#define OCIMAKE_TESTING_POD_PROCESSES_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocimake {

using Clock = std::chrono::steady_clock;

class PodProcesses {
 public:
  // Starts argv (argv[0] searched in PATH). `log_file`: stdout and stderr
  // go there (truncated first) and stdin is /dev/null; empty: all three
  // are inherited. Fails naming argv[0] when it cannot be started.
  pid_t Start(const std::vector<std::string>& argv, const std::string& log_file = "");

  // The exit status of `pid` (128 + N after signal N) once it has exited.
  std::optional<int> Status(pid_t pid);

  // Waits for `pid` until `deadline`; its status, or nullopt when it still
  // runs then.
  std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline);

  // Waits for `pid` however long it takes.
  int Wait(pid_t pid);

  // Sends `signal`, waits `grace` seconds, then SIGKILL. Returns the exit
  // status and whether it had to be killed.
  std::pair<int, bool> Stop(pid_t pid, int signal, double grace_seconds);

 private:
  void Reap(bool block);
  std::map<pid_t, int> exited_;
};

// The last `count` lines of a log file, each prefixed "  <name>| "
// ("  <name>| (no output)" for an empty one).
std::string LogTail(const std::string& log_file, const std::string& name, size_t count);

// "SIGTERM", "TERM" or "15" (an image's StopSignal) as a signal number;
// fails naming the text.
int ParseSignal(const std::string& text);

}  // namespace ocimake

#endif  // OCIMAKE_TESTING_POD_PROCESSES_H_
