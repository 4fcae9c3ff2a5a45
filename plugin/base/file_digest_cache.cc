#include "base/file_digest_cache.h"

#include <ctime>
#include <map>
#include <sstream>

#include "base/digest.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include <fmt/format.h>

namespace ocimake {

namespace {

constexpr char kHeader[] = "ocimake-file-digests 2";
constexpr time_t kRacySeconds = 2;

std::string KeyOf(const struct stat& st) {
  return fmt::format("{}:{}:{}:{}.{:09}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
}

// The head field: its bytes in hex, "-" for none.
bool ReadHead(std::string_view field, std::string* head) {
  if (field == "-") return head->clear(), true;
  return HexDecode(field, head) && head->size() <= kFileHeadBytes;
}

}  // namespace

std::string FileDigestCache::BesideTree(const std::string& tree) {
  return SidecarPath(tree, "digests");
}

FileDigestCache::FileDigestCache(std::string cache_file) : file_(std::move(cache_file)) {
  if (!PathExists(file_)) return;
  std::istringstream in(ReadFile(file_, uint64_t{1} << 30));
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;
  // "<sha256 hex> <head hex, or - when empty> <key> <path>" a line
  while (std::getline(in, line)) {
    size_t a = line.find(' '), b = a == std::string::npos ? a : line.find(' ', a + 1);
    size_t c = b == std::string::npos ? b : line.find(' ', b + 1);
    std::string head;
    if (c == std::string::npos || a != 64 || !ReadHead(line.substr(a + 1, b - a - 1), &head)) {
      old_.clear();
      return;
    }
    old_[line.substr(c + 1)] = {line.substr(b + 1, c - b - 1), line.substr(0, a), head, true};
  }
}

const FileDigestCache::Entry& FileDigestCache::Lookup(const std::string& path,
                                                      const struct stat& st) {
  // Asked again in this run (the stage's stamps ask twice): compared
  // without formatting the key.
  if (auto it = now_.find(path);
      it != now_.end() && it->second.dev == st.st_dev && it->second.ino == st.st_ino &&
      it->second.size == st.st_size && it->second.mtime.tv_sec == st.st_mtim.tv_sec &&
      it->second.mtime.tv_nsec == st.st_mtim.tv_nsec)
    return it->second;
  std::string key = KeyOf(st);
  Entry e;
  if (auto it = old_.find(path); it != old_.end() && it->second.key == key) {
    e = std::move(it->second);  // (asked again, it is in now_)
    ++hits_;
  } else {
    e.key = key;
    e.hex = Digest::OfFile(path, &e.head).hex();
  }
  e.keep = st.st_mtim.tv_sec + kRacySeconds < time(nullptr) && path.find('\n') == std::string::npos;
  e.dev = st.st_dev;
  e.ino = st.st_ino;
  e.size = st.st_size;
  e.mtime = st.st_mtim;
  return now_[path] = std::move(e);
}

std::string FileDigestCache::DigestOf(const std::string& path, const struct stat& st) {
  return Lookup(path, st).hex;
}

std::string FileDigestCache::HeadOf(const std::string& path, const struct stat& st) {
  return Lookup(path, st).head;
}

void FileDigestCache::Save() {
  std::string text = std::string(kHeader) + "\n";
  std::map<std::string_view, const Entry*> sorted;  // the same files, the same bytes
  for (const auto& [path, e] : now_) sorted[path] = &e;
  for (const auto& [path, entry] : sorted)
    if (const Entry& e = *entry; e.keep)
      text += fmt::format("{} {} {} {}\n", e.hex, e.head.empty() ? "-" : HexEncode(e.head), e.key, path);
  WriteFileIfChanged(file_, text);
}

}  // namespace ocimake
