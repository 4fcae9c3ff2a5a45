#include "base/progress.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <mutex>

namespace ocimake {

namespace {

using Clock = std::chrono::steady_clock;

// The lines of the live Progress objects and what is on the terminal.
class Board {
 public:
  static Board& Get() {
    static Board board;
    return board;
  }
  uint64_t Add() {
    std::lock_guard<std::mutex> guard(mu_);
    lines_[next_] = "";
    return next_++;
  }
  void Set(uint64_t id, std::string text) {
    std::lock_guard<std::mutex> guard(mu_);
    lines_[id] = std::move(text);
    auto now = Clock::now();
    if (now - drawn_at_ < std::chrono::milliseconds(100)) return;
    Draw({});
    drawn_at_ = now;
  }
  // `last`: the line to leave above the board, or "".
  void Remove(uint64_t id, const std::string& last) {
    std::lock_guard<std::mutex> guard(mu_);
    lines_.erase(id);
    if (!last.empty()) Draw({last});
    else if (drawn_ > 0) Draw({});
  }

 private:
  // Under mu_.
  void Draw(const std::vector<std::string>& finished) {
    std::vector<std::string> shown;
    for (const auto& [id, text] : lines_)
      if (!text.empty()) shown.push_back(text);
    std::string text = ProgressBoardText(drawn_, finished, shown);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
    drawn_ = static_cast<int>(shown.size());
  }

  std::mutex mu_;
  std::map<uint64_t, std::string> lines_;  // by id: oldest first
  uint64_t next_ = 0;
  int drawn_ = 0;  // lines of the board on the terminal, above the cursor
  Clock::time_point drawn_at_;
};

}  // namespace

std::string ProgressBoardText(int drawn, const std::vector<std::string>& finished,
                              const std::vector<std::string>& lines) {
  std::string out;
  if (drawn > 0) out += "\x1b[" + std::to_string(drawn) + "A";
  out += "\r\x1b[J";
  for (const auto& l : finished) out += l + "\n";
  for (const auto& l : lines) out += l + "\n";
  return out;
}

Progress::Progress(std::string what)
    : what_(std::move(what)), enabled_(isatty(STDERR_FILENO) == 1),
      start_(Clock::now()), last_(start_) {
  if (enabled_) id_ = Board::Get().Add();
}

Progress::~Progress() {
  if (enabled_) Board::Get().Remove(id_, shown_ ? Text(bytes_) : "");
}

std::string Progress::Text(uint64_t bytes) const {
  double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  char figures[64];
  std::snprintf(figures, sizeof figures, ": %.1f MB (%.1f MB/s)", bytes / 1e6,
                secs > 0 ? bytes / 1e6 / secs : 0.0);
  return what_ + figures;
}

void Progress::Update(uint64_t bytes) {
  if (!enabled_) return;
  bytes_ = bytes;
  auto now = Clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  shown_ = true;
  Board::Get().Set(id_, Text(bytes));
}

}  // namespace ocimake
