#include "stage/input_manifest.h"

#include <sys/stat.h>

#include <string_view>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

constexpr std::string_view kHeader = "ocimake-inputs 1";
constexpr uint64_t kMaxManifestBytes = 1ull << 30;

// What a change to the file at `path` changes: content (time, size),
// replacement (inode) and type or permissions (mode).
std::string Signature(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec) + " " +
         std::to_string(st.st_size) + " " + std::to_string(st.st_ino) + " " +
         std::to_string(st.st_mode);
}

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

}  // namespace

void WriteInputManifest(const std::string& file, const std::vector<std::string>& paths) {
  std::string text(kHeader);
  text += '\0';
  for (const auto& path : paths) {
    text += path + '\0';
    text += Signature(path) + '\0';
  }
  WriteFileIfChanged(file, text);
}

InputCheck CheckInputManifest(const std::string& file) {
  InputCheck check;
  if (!PathExists(file)) return check;
  std::string text = ReadFile(file, kMaxManifestBytes);
  std::vector<std::string_view> records = Records(file, text);
  check.recorded = true;
  check.changed = false;
  for (size_t i = 1; i < records.size() && !check.changed; i += 2)
    check.changed = Signature(std::string(records[i])) != records[i + 1];
  return check;
}

}  // namespace ocimake
