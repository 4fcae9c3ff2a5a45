#include "rootfs/mmdebstrap_progress.h"

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace ocimake {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Packages(size_t n) { return fmt::format("{} package{}", n, n == 1 ? "" : "s"); }

// mmdebstrap's "I:" lines that say nothing to someone waiting for a toolchain.
bool IsNoise(std::string_view info) {
  for (std::string_view word : {"hook", "tempdir", "signed-by", "automatically chosen",
                                "chroot architecture", "skipping ", "done"})
    if (info.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace

MmdebstrapProgress::MmdebstrapProgress(std::string name, std::ostream& log)
    : name_(std::move(name)), log_(log), start_(std::chrono::steady_clock::now()),
      last_said_(start_), phase_("starting mmdebstrap") {}

void MmdebstrapProgress::Say(const std::string& text) {
  auto now = std::chrono::steady_clock::now();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - start_).count();
  std::cerr << fmt::format("ocimake: toolchain {} [{:4}s] {}\n", name_, seconds, text)
            << std::flush;
  last_said_ = now;
}

void MmdebstrapProgress::Phase(std::string_view text) {
  phase_ = std::string(text.substr(0, text.find("...")));
  in_update_ = StartsWith(text, "running apt-get update");
  phase_fetched_ = unpacked_ = set_up_ = to_install_ = 0;
  last_need_.clear();
  if (!IsNoise(text)) Say(std::string(text));
}

void MmdebstrapProgress::Line(std::string_view line) {
  log_ << line << '\n';
  if (StartsWith(line, "I: ")) {
    Phase(line.substr(3));
  } else if (StartsWith(line, "W: ") || StartsWith(line, "E: ")) {
    Say(std::string(line));
  } else if (StartsWith(line, "Get:")) {
    if (!in_update_) ++fetched_, ++phase_fetched_;
  } else if (StartsWith(line, "Fetched ") && !in_update_ && phase_fetched_ > 0) {
    std::string_view bytes = line.substr(8, line.find(" in ") - 8);
    Say(fmt::format("  fetched {} ({}) from the mirror", Packages(phase_fetched_), bytes));
    phase_fetched_ = 0;
  } else if (StartsWith(line, "Need to get ") && line != last_need_) {  // apt says it twice
    last_need_ = std::string(line);
    Say("  apt: " + last_need_);
  } else if (size_t at = line.find(" upgraded, "); at != std::string_view::npos &&
                                                    line.find(" newly installed") != line.npos) {
    to_install_ = std::strtoul(std::string(line.substr(at + 11)).c_str(), nullptr, 10);
  } else if (StartsWith(line, "Unpacking ")) {
    ++unpacked_;
  } else if (StartsWith(line, "Setting up ")) {
    ++set_up_;
  }
  Heartbeat();
}

void MmdebstrapProgress::Idle() { Heartbeat(); }

void MmdebstrapProgress::Heartbeat() {
  if (std::chrono::steady_clock::now() - last_said_ < std::chrono::seconds(15)) return;
  std::string of = to_install_ ? fmt::format("/{}", to_install_) : "";
  std::string text = "  still " + phase_;
  const char* sep = ": ";
  if (phase_fetched_) text += fmt::format("{}{}{} fetched", sep, phase_fetched_, of), sep = ", ";
  if (unpacked_) text += fmt::format("{}{}{} unpacked", sep, unpacked_, of), sep = ", ";
  if (set_up_) text += fmt::format("{}{}{} set up", sep, set_up_, of);
  Say(text);
}

}  // namespace ocimake
