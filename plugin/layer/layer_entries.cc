#include "layer/layer_entries.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {


std::string NormalizeLayerPath(const std::string& path) {
  std::vector<std::string> parts = PathComponents(path);
  for (const auto& part : parts)
    if (part == "..") Fail("path '{}': '..' is not allowed in a layer path", path);
  if (HasControlCharacter(path)) Fail("path '{}': control characters are not allowed", path);
  if (parts.empty()) Fail("path '{}': empty path", path);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

namespace {

// Calls `child(name, is_directory)` for each entry of the host directory
// `host` but "." and "..", in readdir order; a symlink to a directory is
// not one. Fails naming `host` when it cannot be read.
void ForEachChild(const std::string& host,
                  const std::function<void(const char* name, bool dir)>& child) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(host.c_str()), closedir);
  if (!d) FailErrno("reading directory " + host);
  for (;;) {
    errno = 0;  // (what the child did is not readdir's error)
    dirent* e = readdir(d.get());
    if (!e) break;
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool dir = e->d_type == DT_DIR;
    struct stat st;
    if (e->d_type == DT_UNKNOWN)
      dir = fstatat(dirfd(d.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    child(e->d_name, dir);
  }
  if (errno) FailErrno("reading directory " + host);
}

// Appends the entries below the host directory `host` (layer path `rel`,
// "" at the top) in readdir order, each directory before what it holds,
// not descending into symlinks. Paths are built by appending names (a
// name has no '/' and is not "." or ".."), not by std::filesystem, whose
// path arithmetic cost more than the walk in a tree of 100,000 files.
void WalkTree(const std::string& host, const std::string& rel, std::vector<LayerEntry>* out) {
  ForEachChild(host, [&](const char* name, bool dir) {
    std::string path = rel.empty() ? std::string(name) : rel + '/' + name;
    if (HasControlCharacter(name)) NormalizeLayerPath(path);  // fails, naming it
    std::string source = host + (host.back() == '/' ? "" : "/") + name;
    out->push_back({path, source});
    if (dir) WalkTree(source, path, out);
  });
}

}  // namespace

std::vector<LayerEntry> EntriesFromTree(const std::string& dir) {
  if (!IsDirectory(dir)) Fail("{}: no such directory", dir);
  std::string top = dir;
  while (top.size() > 1 && top.back() == '/') top.pop_back();
  std::vector<LayerEntry> out;
  WalkTree(top, "", &out);
  return out;
}

namespace {

// The children of `host` as sort keys: "NAME" for each entry, and "NAME/"
// for the entries below each subdirectory (a symlink to a directory is
// not descended into, as recursive_directory_iterator does not).
std::vector<std::string> SortedKeys(const std::string& host) {
  std::vector<std::string> keys;
  ForEachChild(host, [&](const char* name, bool dir) {
    if (dir) keys.push_back(std::string(name) + "/");
    keys.emplace_back(name);
  });
  std::sort(keys.begin(), keys.end());
  return keys;
}

void WalkSorted(const std::string& host, const std::string& prefix, const EntryVisitor& visit) {
  for (const auto& key : SortedKeys(host)) {
    if (key.back() == '/') {
      std::string name = key.substr(0, key.size() - 1);
      WalkSorted(host + "/" + name, prefix + key, visit);
    } else {
      visit(LayerEntry{NormalizeLayerPath(prefix + key), host + "/" + key});
    }
  }
}

}  // namespace

void WalkTreeSorted(const std::string& dir, const EntryVisitor& visit) {
  if (!IsDirectory(dir)) Fail("{}: no such directory", dir);
  // Sources named as EntriesFromTree names them: below `dir` as given.
  WalkSorted(dir.size() > 1 && dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir, "",
             visit);
}

EntryStream TreeStream(const std::string& dir) {
  return [dir](const EntryVisitor& visit) { WalkTreeSorted(dir, visit); };
}

EntryStream ListStream(const std::vector<LayerEntry>& entries) {
  return [&entries](const EntryVisitor& visit) {
    for (const auto& e : entries) visit(e);
  };
}

namespace {

// "UID:GID:MODE", MODE octal and at most 07777.
EntryOwner ParseEntryOwner(const std::string& text, const std::string& where) {
  std::vector<std::string> parts = Split(text, ':');
  EntryOwner owner;
  unsigned long mode = 0;
  char* end = nullptr;
  bool ok = parts.size() == 3 && IsDecimal(parts[0]) && IsDecimal(parts[1]) && !parts[2].empty();
  if (ok) mode = std::strtoul(parts[2].c_str(), &end, 8);
  if (!ok || *end != '\0' || mode > 07777)
    Fail("{}: owner '{}': expected UID:GID:MODE (MODE in octal, e.g. 65532:65532:0755)", where,
         text);
  owner.uid = std::stoll(parts[0]);
  owner.gid = std::stoll(parts[1]);
  owner.mode = static_cast<unsigned>(mode);
  return owner;
}

}  // namespace

std::vector<LayerEntry> EntriesFromListFile(const std::string& list_file) {
  std::istringstream in(ReadFile(list_file));
  std::vector<LayerEntry> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = Split(line, '\t');
    std::string where = fmt::format("{}:{}", list_file, number);
    if (fields.size() < 2 || fields.size() > 3 || fields[0].empty() || fields[1].empty())
      Fail("{}: expected DEST<TAB>SOURCE[<TAB>UID:GID:MODE]", where);
    LayerEntry entry{WithContext(where, [&] { return NormalizeLayerPath(fields[0]); }),
                     fields[1]};
    if (fields.size() == 3) entry.owner = ParseEntryOwner(fields[2], where);
    out.push_back(std::move(entry));
  }
  return out;
}

std::string EntryLine(const LayerEntry& entry) {
  std::string line = entry.path + "\t" + entry.source;
  if (entry.owner)
    line += fmt::format("\t{}:{}:{:04o}", entry.owner->uid, entry.owner->gid, entry.owner->mode);
  return line + "\n";
}

std::vector<LayerEntry> CompleteAndSort(std::vector<LayerEntry> entries) {
  // Sorted in place (no node-based map: a tree of 100k files costs the
  // entries themselves and little more).
  auto by_path = [](const LayerEntry& a, const LayerEntry& b) { return a.path < b.path; };
  std::sort(entries.begin(), entries.end(), by_path);
  std::vector<LayerEntry> out;
  out.reserve(entries.size());
  for (auto& e : entries) {
    if (!out.empty() && out.back().path == e.path) {
      if (out.back().source != e.source)
        Fail("path '{}' is given twice: from {} and from {}", e.path, out.back().source,
             e.source);
      continue;
    }
    out.push_back(std::move(e));
  }
  entries.clear();
  entries.shrink_to_fit();
  // The parent directories nobody listed, added as implied directories.
  std::set<std::string> missing;
  for (const auto& e : out) {
    for (auto slash = e.path.find('/'); slash != std::string::npos;
         slash = e.path.find('/', slash + 1)) {
      std::string parent = e.path.substr(0, slash);
      if (!std::binary_search(out.begin(), out.end(), LayerEntry{parent, ""}, by_path))
        missing.insert(parent);
    }
  }
  for (const auto& p : missing) out.push_back({p, ""});
  std::inplace_merge(out.begin(), out.end() - static_cast<long>(missing.size()), out.end(),
                     by_path);
  return out;
}

std::string EntryStampLine(const LayerEntry& entry, const struct stat& st,
                           FileDigestCache& digests) {
  if (S_ISREG(st.st_mode))
    return fmt::format("f{} {} {} {}\n", (st.st_mode & S_IXUSR) ? "x" : "-", st.st_size,
                       digests.DigestOf(entry.source, st), entry.path);
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlink(entry.source.c_str(), target, sizeof target);
    if (n < 0) FailErrno("readlink " + entry.source);
    return "l " + std::string(target, static_cast<size_t>(n)) + " " + entry.path + "\n";
  }
  return "d - " + entry.path + "\n";
}

}  // namespace ocimake
