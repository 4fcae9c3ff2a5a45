#include "closure/package_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "closure/root_path.h"

namespace ocimake {

namespace {

constexpr const char* kInfoDir = "/var/lib/dpkg/info";
constexpr const char* kScripts[] = {"preinst", "postinst", "prerm", "postrm", "config"};

bool Skipped(const std::string& path) {
  if (path.empty() || path[0] != '/' || path == "/." || path == "/") return true;
  for (const char* dir : {"/usr/share/doc", "/usr/share/man", "/usr/share/info",
                          "/usr/share/lintian"}) {
    if (path == dir || StartsWith(path, std::string(dir) + "/")) return true;
  }
  return false;
}

int Depth(const std::string& path) { return static_cast<int>(PathComponents(path).size()); }

// The paths of a .list (one a line, spaces allowed) or of a .conffiles,
// whose lines may carry flags after the path ("remove-on-upgrade").
std::vector<std::string> Lines(const std::string& text, bool conffiles = false) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (conffiles) line = Trim(line).substr(0, Trim(line).find(' '));
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// The names of a directory, sorted.
std::vector<std::string> DirNames(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// True when `text` names `dir` itself (not only a path below it).
bool Names(const std::string& text, const std::string& dir) {
  for (size_t pos = text.find(dir); pos != std::string::npos; pos = text.find(dir, pos + 1)) {
    size_t end = pos + dir.size();
    char next = end < text.size() ? text[end] : ' ';
    if (!(isalnum(static_cast<unsigned char>(next)) || next == '_' || next == '-' ||
          next == '.' || next == '/'))
      return true;
  }
  return false;
}

class PackageReader {
 public:
  explicit PackageReader(const PackageFilesRequest& r)
      : req_(r), info_(HostPath(r.root, kInfoDir)) {}

  PackageFilesResult Run() {
    result_.inputs.push_back(info_);
    for (const auto& pkg : req_.packages) AddPackage(pkg);
    for (auto& [path, source] : entries_) result_.entries.push_back({path, source});
    std::sort(result_.inputs.begin(), result_.inputs.end());
    result_.inputs.erase(std::unique(result_.inputs.begin(), result_.inputs.end()),
                         result_.inputs.end());
    return std::move(result_);
  }

 private:
  // The .list of `pkg` (its :arch one first), or "" when it has none.
  std::string ListFile(const std::string& pkg) const {
    std::string arch = info_ + "/" + pkg + ":" + req_.debian_arch + ".list";
    if (!req_.debian_arch.empty() && PathExists(arch)) return arch;
    std::string plain = info_ + "/" + pkg + ".list";
    return PathExists(plain) ? plain : "";
  }

  void AddPackage(const std::string& pkg) {
    std::string list = ListFile(pkg);
    if (list.empty())
      Fail("RUNTIME_PACKAGES {}: not installed in {} (add it to the toolchain's PACKAGES, or "
           "apt-get install it on the host for a host build)", pkg, req_.root);
    result_.inputs.push_back(list);
    std::string stem = list.substr(0, list.size() - 5);
    std::vector<std::string> paths = Lines(ReadFile(list));
    if (PathExists(stem + ".conffiles")) {
      for (auto& p : Lines(ReadFile(stem + ".conffiles"), true)) paths.push_back(p);
      result_.inputs.push_back(stem + ".conffiles");
    }
    std::string scripts = Scripts(stem);
    for (const auto& path : paths) {
      if (Skipped(path)) continue;
      bool dir = Add(path);
      if (dir && Depth(path) >= 3 && Names(scripts, path)) AddGenerated(path);
    }
  }

  std::string Scripts(const std::string& stem) {
    std::string text;
    for (const char* s : kScripts) {
      std::string file = stem + "." + s;
      if (!PathExists(file)) continue;
      result_.inputs.push_back(file);
      text += ReadFile(file) + "\n";
    }
    return text;
  }

  // Adds `path` (as listed) and the symlinks its parent passes through;
  // true when it is a directory in the root.
  bool Add(const std::string& path) {
    RootResolution parent;
    if (!ResolveInRoot(req_.root, DirName(path), &parent)) return false;
    std::string canonical = JoinPath(parent.path, path.substr(path.rfind('/') + 1));
    std::string host = HostPath(req_.root, canonical);
    struct stat st;
    if (lstat(host.c_str(), &st) != 0) return false;
    for (const auto& link : parent.symlinks)
      entries_.emplace(link.path.substr(1), HostPath(req_.root, link.path));
    entries_.emplace(canonical.substr(1), host);
    return S_ISDIR(st.st_mode);
  }

  // The non-directory entries of `dir` (as listed) that no package owns.
  void AddGenerated(const std::string& dir) {
    const std::set<std::string>& owned = Owned();
    RootResolution r;
    if (!ResolveInRoot(req_.root, dir, &r)) return;
    std::string host = HostPath(req_.root, r.path);
    result_.inputs.push_back(host);
    for (const auto& name : DirNames(host)) {
      struct stat st;
      if (owned.count(dir + "/" + name) || lstat((host + "/" + name).c_str(), &st) != 0 ||
          S_ISDIR(st.st_mode))
        continue;
      entries_.emplace(JoinPath(r.path, name).substr(1), host + "/" + name);
    }
  }

  // Every path an installed package lists, read once.
  const std::set<std::string>& Owned() {
    if (owned_read_) return owned_;
    owned_read_ = true;
    owned_ = PackagedPaths(req_.root);
    return owned_;
  }

  const PackageFilesRequest& req_;
  std::string info_;
  std::map<std::string, std::string> entries_;  // path in the layer -> host source
  std::set<std::string> owned_;
  bool owned_read_ = false;
  PackageFilesResult result_;
};

}  // namespace

std::set<std::string> PackagedPaths(const std::string& root) {
  std::string info = HostPath(root, kInfoDir);
  std::set<std::string> owned;
  if (!IsDirectory(info)) return owned;
  for (const auto& name : DirNames(info)) {
    if (!EndsWith(name, ".list")) continue;
    for (auto& p : Lines(ReadFile(info + "/" + name))) owned.insert(std::move(p));
  }
  return owned;
}

bool IsPackaged(const std::set<std::string>& packaged, const std::string& path) {
  if (packaged.count(path)) return true;
  std::string alias = MergedUsrAlias(path);
  return !alias.empty() && packaged.count(alias);
}

std::string MergedUsrAlias(const std::string& path) {
  // Merged /usr: bookworm's lists still name /lib/..., /bin/... where the
  // root has them at /usr/lib/..., /usr/bin/...
  for (const char* dir : {"/usr/lib", "/usr/bin", "/usr/sbin", "/usr/lib32", "/usr/lib64",
                          "/usr/libx32"})
    if (StartsWith(path, std::string(dir) + "/")) return path.substr(4);
  return "";
}

std::map<std::string, std::vector<std::string>> PathOwners(const std::string& root) {
  std::string info = HostPath(root, kInfoDir);
  std::map<std::string, std::vector<std::string>> owners;
  if (!IsDirectory(info)) return owners;
  for (const auto& name : DirNames(info)) {
    if (!EndsWith(name, ".list")) continue;
    std::string package = name.substr(0, name.size() - 5);
    for (auto& p : Lines(ReadFile(info + "/" + name))) owners[p].push_back(package);
  }
  return owners;
}

PackageFilesResult ListPackageFiles(const PackageFilesRequest& request) {
  if (!IsDirectory(request.root)) Fail("{}: no such directory", request.root);
  return PackageReader(request).Run();
}

}  // namespace ocimake
