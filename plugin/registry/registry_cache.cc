#include "registry/registry_cache.h"

#include <set>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

constexpr size_t kMaxRecords = 8192;  // per registry; the oldest are dropped
constexpr size_t kMaxFound = 3;       // mount attempts per blob

// "127.0.0.1:5000" -> "127.0.0.1_5000": a file name whatever the host.
std::string FileName(const std::string& registry) {
  std::string out;
  for (char c : registry)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return out;
}

std::vector<std::pair<std::string, std::string>> ReadRecords(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> records;
  if (!PathExists(path)) return records;
  std::string text = ReadFile(path, 8u << 20);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    records.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return records;
}

}  // namespace

std::string CacheLayoutDir(const std::string& cache_dir) { return JoinPath(cache_dir, "oci"); }

BlobLocations::BlobLocations(const std::string& cache_dir, const std::string& registry)
    : path_(JoinPath(cache_dir, "repos/" + FileName(registry))) {}

std::vector<std::string> BlobLocations::Find(const Digest& digest) const {
  std::vector<std::string> repos;
  auto records = ReadRecords(path_);
  for (auto it = records.rbegin(); it != records.rend() && repos.size() < kMaxFound; ++it)
    if (it->first == digest.hex()) repos.push_back(it->second);
  return repos;
}

void BlobLocations::Record(const std::vector<Digest>& digests,
                           const std::string& repository) const {
  if (digests.empty()) return;
  MakeDirs(DirName(path_));
  FileLock lock(path_ + ".lock");
  auto records = ReadRecords(path_);
  std::set<std::string> fresh;
  for (const auto& d : digests) fresh.insert(d.hex());
  // The new ones go last (most recent); an old line for the same pair goes.
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& r : records)
    if (!(r.second == repository && fresh.count(r.first))) kept.push_back(r);
  for (const auto& hex : fresh) kept.emplace_back(hex, repository);
  size_t skip = kept.size() > kMaxRecords ? kept.size() - kMaxRecords : 0;
  std::string text;
  for (size_t i = skip; i < kept.size(); ++i) text += kept[i].first + " " + kept[i].second + "\n";
  WriteFileAtomic(path_, text);
}

}  // namespace ocimake
