// Progress lines for long steps, on a terminal only: "\r<what>: 123.4 MB".
// Quiet when stderr is not a terminal (Ninja captures it), so build logs stay
// clean.
#ifndef OCIMAKE_BASE_PROGRESS_H_
#define OCIMAKE_BASE_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace ocimake {

class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  void Update(uint64_t bytes);

 private:
  std::string what_;
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace ocimake

#endif  // OCIMAKE_BASE_PROGRESS_H_
