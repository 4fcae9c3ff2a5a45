// Running a child process (cmake --install, the sandbox) with extra
// environment, its output captured or passed through.
#ifndef OCIMAKE_BASE_SUBPROCESS_H_
#define OCIMAKE_BASE_SUBPROCESS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

struct ProcessResult {
  int status = 0;      // exit code, or 128 + signal
  std::string output;  // stdout and stderr, when captured
};

// Runs argv[0] (searched in PATH) with the current environment plus `env`.
// With `capture`, stdout and stderr are collected into result.output.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, bool capture);

// Runs argv[0] (searched in PATH) with its stdout and stderr read line by
// line as they come: on_line gets each line (without the newline, a '\r'
// also ends one), on_idle is called after each second without output.
// Returns the exit code, or 128 + signal.
int RunProcessLines(const std::vector<std::string>& argv,
                    const std::function<void(std::string_view)>& on_line,
                    const std::function<void()>& on_idle);

// Runs argv[0] (searched in PATH) with `input` on its stdin (small: it is
// written whole before the output is read); stdout and stderr are collected.
ProcessResult RunProcessWithInput(const std::vector<std::string>& argv, const std::string& input);

}  // namespace ocimake

#endif  // OCIMAKE_BASE_SUBPROCESS_H_
