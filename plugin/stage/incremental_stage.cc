#include "stage/incremental_stage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "base/strings.h"

namespace ocimake {

namespace {

constexpr char kStateHeader[] = "ocimake-stage-state 1";

// One entry of the reused tree: its image path ("/usr/local/bin/app"),
// whether it is a directory (and an empty one), and whether it changed
// since the marker.
struct TreeEntry {
  std::string path;
  bool dir = false, empty = false, changed = false;
};

bool NotOlder(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

// Every entry below `root`, parents before children, symlinks not followed.
void Walk(const std::string& root, const std::string& rel, const struct timespec& since,
          std::vector<TreeEntry>* out) {
  std::string dir = root + rel;
  DIR* d = opendir(dir.c_str());
  if (!d) FailErrno("reading the staging tree " + dir);
  std::vector<std::string> names;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    TreeEntry entry;
    entry.path = rel + "/" + name;
    struct stat st;
    if (lstat((root + entry.path).c_str(), &st) != 0) FailErrno("lstat " + root + entry.path);
    entry.dir = S_ISDIR(st.st_mode);
    entry.changed = NotOlder(st.st_ctim, since);
    size_t at = out->size();
    out->push_back(entry);
    if (entry.dir) {
      Walk(root, entry.path, since, out);
      (*out)[at].empty = out->size() == at + 1;
    }
  }
}

struct timespec CtimeOf(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) FailErrno("lstat " + path);
  return st.st_ctim;
}

// A path the state file (one a line) and CMake's records (a ;-list) hold.
bool Recordable(const std::string& path) {
  return path.find_first_of("\n;") == std::string::npos;
}

}  // namespace

IncrementalStage::IncrementalStage(std::string out) : out_(std::move(out)) {
  state_file_ = SidecarPath(out_, "state");
  marker_ = SidecarPath(out_, "marker");
}

bool IncrementalStage::Seed(TempDir& temp) {
  seeded_ = false;
  if (!IsDirectory(out_) || !PathExists(state_file_)) return false;
  std::istringstream in(ReadFile(state_file_));
  std::string header;
  if (!std::getline(in, header) || header != kStateHeader ||
      !std::getline(in, old_fingerprint_))
    return false;
  for (std::string line; std::getline(in, line);) old_unrecorded_.insert(line);
  // The state goes first: a run that fails from here on leaves none, and
  // the next run installs afresh.
  RemoveFileIfExists(state_file_);
  temp.Adopt(out_);
  WriteFileAtomic(marker_, "");
  seeded_ = true;
  return true;
}

bool IncrementalStage::Prune(const std::string& temp, const std::set<std::string>& installed,
                             const std::string& fingerprint) {
  fingerprint_ = fingerprint;
  struct timespec since = seeded_ ? CtimeOf(marker_) : timespec{0, 0};
  std::vector<TreeEntry> entries;
  Walk(temp, "", since, &entries);
  bool same_scripts = old_fingerprint_ == fingerprint;
  std::vector<bool> keep(entries.size());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < entries.size(); ++i) index[entries[i].path] = i;
  // Children come after their parent: decide from the deepest up.
  for (size_t i = entries.size(); i-- > 0;) {
    const TreeEntry& e = entries[i];
    if (!Recordable(e.path)) trusted_ = false;
    bool recorded = !e.dir && installed.count(e.path);
    bool by_state = (!e.dir || e.empty) && old_unrecorded_.count(e.path);
    keep[i] = keep[i] || !seeded_ || recorded || e.changed;
    if (!keep[i] && by_state) {
      if (!same_scripts) return Restart();
      keep[i] = true;
    }
    if (keep[i] && !(e.dir && !e.empty) && !recorded) unrecorded_.insert(e.path);
    size_t slash = e.path.rfind('/');
    if (keep[i] && slash > 0) keep[index.at(e.path.substr(0, slash))] = true;
  }
  if (seeded_ && !trusted_) return Restart();
  for (size_t i = entries.size(); i-- > 0;) {
    if (keep[i]) continue;
    std::string path = temp + entries[i].path;
    if ((entries[i].dir ? rmdir(path.c_str()) : unlink(path.c_str())) != 0)
      FailErrno("removing " + path + " (no longer installed)");
    ++removed_;
  }
  return true;
}

bool IncrementalStage::Restart() {
  seeded_ = false;
  trusted_ = true;
  unrecorded_.clear();
  return false;
}

void IncrementalStage::Commit() {
  RemoveFileIfExists(marker_);
  if (!trusted_) return RemoveFileIfExists(state_file_);
  std::string text = std::string(kStateHeader) + "\n" + fingerprint_ + "\n";
  for (const auto& path : unrecorded_) text += path + "\n";
  WriteFileAtomic(state_file_, text);
}

}  // namespace ocimake
