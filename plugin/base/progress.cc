#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ocimake {

Progress::Progress(std::string what)
    : what_(std::move(what)), enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (printed_) std::fprintf(stderr, "\n");
}

void Progress::Update(uint64_t bytes) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%s: %.1f MB (%.1f MB/s)", what_.c_str(), bytes / 1e6,
               secs > 0 ? bytes / 1e6 / secs : 0.0);
  printed_ = true;
}

}  // namespace ocimake
