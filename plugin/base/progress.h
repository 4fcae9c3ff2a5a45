// Progress lines for long steps, on a terminal only: "<what>: 123.4 MB (56.7
// MB/s)". Quiet when stderr is not a terminal (Ninja captures it, CI logs),
// so build logs stay clean.
// Several steps may run at once (the blobs of a push or a pull, on several
// threads): each live Progress is one line of a board at the bottom of the
// terminal, redrawn in place (at most every 100 ms); a step that showed a
// line leaves its last figure above the board when it ends. Thread-safe.
#ifndef OCIMAKE_BASE_PROGRESS_H_
#define OCIMAKE_BASE_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ocimake {

class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Update(uint64_t bytes);

 private:
  std::string what_;
  bool enabled_;
  std::string Text(uint64_t bytes) const;

  uint64_t id_ = 0;  // the board's line, when enabled
  uint64_t bytes_ = 0;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// The board's text for the lines `lines` (oldest first), after `drawn` lines
// drawn before, and `finished` lines to leave above it: cursor up `drawn`
// lines, clear to the end of the screen, then each line and a newline.
std::string ProgressBoardText(int drawn, const std::vector<std::string>& finished,
                              const std::vector<std::string>& lines);

}  // namespace ocimake

#endif  // OCIMAKE_BASE_PROGRESS_H_
