// Progress of an `mmdebstrap --verbose` run, a line per phase instead of a
// wall of apt and dpkg output: mmdebstrap's own "I:" phase lines, apt's
// "Need to get" and a count of the packages it fetched, and while a phase
// runs, a line every 15 s with how far dpkg got. Every line of mmdebstrap's
// output also goes to a log file. Lines look like
//   ocimake: toolchain gcc [  42s] installing remaining packages inside the chroot...
#ifndef OCIMAKE_ROOTFS_MMDEBSTRAP_PROGRESS_H_
#define OCIMAKE_ROOTFS_MMDEBSTRAP_PROGRESS_H_

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace ocimake {

class MmdebstrapProgress {
 public:
  MmdebstrapProgress(std::string name, std::ostream& log);
  void Line(std::string_view line);  // one line of mmdebstrap's output
  void Idle();                       // called when no output came for a while
  // Writes "ocimake: toolchain <name> [<elapsed>s] <text>" to stderr.
  void Say(const std::string& text);
  // The .deb files apt fetched from the mirror (not those it found cached).
  size_t fetched() const { return fetched_; }

 private:
  void Phase(std::string_view text);
  void Heartbeat();

  std::string name_;
  std::ostream& log_;
  std::chrono::steady_clock::time_point start_, last_said_;
  std::string phase_, last_need_;
  bool in_update_ = false;
  size_t fetched_ = 0, phase_fetched_ = 0, unpacked_ = 0, set_up_ = 0, to_install_ = 0;
};

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_MMDEBSTRAP_PROGRESS_H_
