#include "base/file_digest_cache.h"

#include <ctime>
#include <sstream>

#include "base/digest.h"
#include "base/fs_util.h"
#include <fmt/format.h>

namespace ocimake {

namespace {

constexpr char kHeader[] = "ocimake-file-digests 1";
constexpr time_t kRacySeconds = 2;

std::string KeyOf(const struct stat& st) {
  return fmt::format("{}:{}:{}:{}.{:09}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
}

}  // namespace

std::string FileDigestCache::BesideTree(const std::string& tree) {
  std::string path = AbsolutePath(tree);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return JoinPath(DirName(path), "." + path.substr(path.rfind('/') + 1) + ".digests");
}

FileDigestCache::FileDigestCache(std::string cache_file) : file_(std::move(cache_file)) {
  if (!PathExists(file_)) return;
  std::istringstream in(ReadFile(file_, uint64_t{1} << 30));
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;
  // "<hex> <key> <path>" a line
  while (std::getline(in, line)) {
    size_t a = line.find(' '), b = a == std::string::npos ? a : line.find(' ', a + 1);
    if (b == std::string::npos || a != 64) {
      old_.clear();
      return;
    }
    old_[line.substr(b + 1)] = {line.substr(a + 1, b - a - 1), line.substr(0, a)};
  }
}

std::string FileDigestCache::DigestOf(const std::string& path, const struct stat& st) {
  std::string key = KeyOf(st);
  auto it = old_.find(path);
  std::string hex;
  if (it != old_.end() && it->second.key == key) {
    hex = it->second.hex;
    ++hits_;
  } else {
    hex = Digest::OfFile(path).hex();
  }
  if (st.st_mtim.tv_sec + kRacySeconds < time(nullptr) && path.find('\n') == std::string::npos)
    now_[path] = {key, hex};
  return hex;
}

void FileDigestCache::Save() {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& [path, e] : now_) text += e.hex + " " + e.key + " " + path + "\n";
  WriteFileIfChanged(file_, text);
}

}  // namespace ocimake
