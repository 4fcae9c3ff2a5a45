#include "stage/input_manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <string_view>
#include <thread>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

constexpr std::string_view kHeader = "ocimake-inputs 1";
constexpr uint64_t kMaxManifestBytes = 1ull << 30;
// Below this many inputs the check runs on one thread; above it, on up to
// kMaxCheckThreads (a warm lstat() is CPU work in the kernel).
constexpr size_t kInputsPerThread = 8192;
constexpr unsigned kMaxCheckThreads = 4;

// What a change to a file changes: content (time, size), replacement
// (inode) and type or permissions (mode); "-" when it is missing. Written
// into `buf`, which the result points into.
struct SignatureBuffer {
  char bytes[96];
};
std::string_view FormatSignature(const struct stat* st, SignatureBuffer* buf) {
  if (!st) return "-";
  char* p = buf->bytes;
  char* end = buf->bytes + sizeof buf->bytes;
  auto put = [&](auto value, bool space) {
    p = std::to_chars(p, end, value).ptr;
    if (space) *p++ = ' ';
  };
  put(st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec, true);
  put(st->st_size, true);
  put(st->st_ino, true);
  put(st->st_mode, false);
  return {buf->bytes, static_cast<size_t>(p - buf->bytes)};
}

// lstat() of paths in turn, each relative to its directory, which stays
// open while the paths that follow are in it: in a sorted list that is one
// path lookup per directory, not one per component of every path.
class DirectoryCursor {
 public:
  ~DirectoryCursor() { Close(); }
  // The file's status in `st`, or null when it is missing.
  const struct stat* Lstat(std::string_view path, struct stat* st) {
    size_t slash = path.rfind('/');
    // (a root-level path, or one ending in '/', which lstat() resolves
    // through a symbolic link: looked up whole)
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size())
      return Full(path, st);
    std::string_view dir = path.substr(0, slash);
    if (dir != dir_) Open(dir);
    if (fd_ < 0) return Full(path, st);
    std::string name(path.substr(slash + 1));
    return fstatat(fd_, name.c_str(), st, AT_SYMLINK_NOFOLLOW) == 0 ? st : nullptr;
  }

 private:
  const struct stat* Full(std::string_view path, struct stat* st) {
    return lstat(std::string(path).c_str(), st) == 0 ? st : nullptr;
  }
  void Open(std::string_view dir) {
    Close();
    dir_ = dir;
    fd_ = open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  std::string dir_;
  int fd_ = -1;
};

// The NUL-terminated records of `text`, after the header.
std::vector<std::string_view> Records(const std::string& file, std::string_view text) {
  if (text.substr(0, kHeader.size() + 1) != std::string(kHeader) + '\0')
    Fail("{}: not an ocimake input manifest (expected a first record '{}')", file, kHeader);
  std::vector<std::string_view> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\0', pos);
    if (end == std::string_view::npos) Fail("{}: truncated (a record without its NUL)", file);
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (out.size() % 2 != 1) Fail("{}: truncated (a path without its signature)", file);
  return out;
}

// Compares inputs [begin, end) (indexes of inputs, not of records) until
// one differs or `changed` is set by another thread.
void CheckRange(const std::vector<std::string_view>& records, size_t begin, size_t end,
                std::atomic<bool>* changed) {
  DirectoryCursor cursor;
  struct stat st;
  SignatureBuffer buf;
  for (size_t i = begin; i < end && !changed->load(std::memory_order_relaxed); ++i) {
    std::string_view path = records[1 + 2 * i], recorded = records[2 + 2 * i];
    if (FormatSignature(cursor.Lstat(path, &st), &buf) != recorded) changed->store(true);
  }
}

}  // namespace

void WriteInputManifest(const std::string& file, const std::vector<std::string>& paths) {
  // Sorted, so that the paths of one directory follow each other (see
  // DirectoryCursor); the order is not otherwise read.
  std::vector<std::string> sorted = paths;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string text(kHeader);
  text += '\0';
  DirectoryCursor cursor;
  struct stat st;
  SignatureBuffer buf;
  for (const auto& path : sorted) {
    text += path + '\0';
    text += FormatSignature(cursor.Lstat(path, &st), &buf);
    text += '\0';
  }
  WriteFileIfChanged(file, text);
}

InputCheck CheckInputManifest(const std::string& file) {
  InputCheck check;
  if (!PathExists(file)) return check;
  std::string text = ReadFile(file, kMaxManifestBytes);
  std::vector<std::string_view> records = Records(file, text);
  const size_t inputs = records.size() / 2;
  const size_t cores = std::max(1u, std::min(kMaxCheckThreads, std::thread::hardware_concurrency()));
  const size_t threads = std::clamp<size_t>(inputs / kInputsPerThread, 1, cores);
  std::atomic<bool> changed{false};
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t)
    workers.emplace_back(CheckRange, std::cref(records), inputs * t / threads,
                         inputs * (t + 1) / threads, &changed);
  CheckRange(records, 0, inputs / threads, &changed);
  for (auto& w : workers) w.join();
  check.recorded = true;
  check.changed = changed.load();
  return check;
}

}  // namespace ocimake
