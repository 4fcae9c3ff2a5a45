#include "closure/closure.h"

#include <elf.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <map>
#include <sstream>
#include <tuple>

#include "base/error.h"
#include "base/file_digest_cache.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "closure/elf_info.h"
#include "closure/root_path.h"

namespace ocimake {

namespace {

constexpr int kMaxIncludeDepth = 8;

struct Object {
  std::string image_path;  // "/usr/local/bin/app"
  std::string host_path;
  bool staged;
  ElfInfo info;
};

void ParseLdSoConfFile(const std::string& root, const std::string& file, int depth,
                       std::vector<std::string>* dirs, std::vector<std::string>* files_read) {
  if (depth > kMaxIncludeDepth) Fail("{}: ld.so.conf includes nested too deep", file);
  RootResolution r;
  if (!ResolveInRoot(root, file, &r)) return;
  std::string host = HostPath(root, r.path);
  if (!IsDirectory(host) && PathExists(host)) files_read->push_back(host);
  else return;
  std::istringstream in(ReadFile(host, 1 << 20));
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (StartsWith(line, "include") && line.size() > 7 && (line[7] == ' ' || line[7] == '\t')) {
      std::string pattern = Trim(line.substr(8));
      if (pattern.empty() || pattern[0] != '/') pattern = DirName(file) + "/" + pattern;
      glob_t g{};
      if (glob(HostPath(root, pattern).c_str(), 0, nullptr, &g) == 0) {
        std::vector<std::string> matches(g.gl_pathv, g.gl_pathv + g.gl_pathc);
        std::sort(matches.begin(), matches.end());
        size_t strip = (root.empty() || root == "/") ? 0 : root.size();
        if (strip && root.back() == '/') --strip;
        for (const auto& m : matches)
          ParseLdSoConfFile(root, m.substr(strip), depth + 1, dirs, files_read);
      }
      globfree(&g);
    } else if (!StartsWith(line, "hwcap")) {
      dirs->push_back(line);
    }
  }
}

std::vector<std::string> DefaultDirs(const ElfInfo& info) {
  std::vector<std::string> dirs;
  if (const PlatformInfo* platform = PlatformOfElf(info.elf_class, info.machine)) {
    dirs.push_back(std::string("/lib/") + platform->multiarch);
    dirs.push_back(std::string("/usr/lib/") + platform->multiarch);
  }
  if (info.elf_class == ELFCLASS64) {
    dirs.push_back("/lib64");
    dirs.push_back("/usr/lib64");
  }
  dirs.push_back("/lib");
  dirs.push_back("/usr/lib");
  return dirs;
}

std::string ExpandOrigin(std::string dir, const std::string& origin) {
  for (const char* token : {"${ORIGIN}", "$ORIGIN"}) {
    for (size_t pos; (pos = dir.find(token)) != std::string::npos;)
      dir.replace(pos, std::string(token).size(), origin);
  }
  return dir;
}

class ClosureWalker {
 public:
  explicit ClosureWalker(const ClosureRequest& r) : req_(r), provided_(r.provided) {
    conf_dirs_ = ReadLdSoConf(req_.root, &result_.inputs);
    for (const auto& e : req_.packaged) packaged_.insert("/" + e.path);
    provided_.insert(packaged_.begin(), packaged_.end());
  }

  ClosureResult Run() {
    for (auto& path : StagedElfFiles()) Enqueue(path, /*from_stage=*/true);
    for (const auto& e : PackagedElfFiles()) EnqueueHost("/" + e.path, e.source);
    while (!queue_.empty()) {
      Object o = std::move(queue_.front());
      queue_.pop_front();
      WithContext(o.image_path, [&] { Visit(o); });
    }
    std::sort(result_.entries.begin(), result_.entries.end(),
              [](const LayerEntry& a, const LayerEntry& b) { return a.path < b.path; });
    result_.entries.erase(std::unique(result_.entries.begin(), result_.entries.end(),
                                      [](const LayerEntry& a, const LayerEntry& b) {
                                        return a.path == b.path;
                                      }),
                          result_.entries.end());
    std::sort(result_.inputs.begin(), result_.inputs.end());
    result_.inputs.erase(std::unique(result_.inputs.begin(), result_.inputs.end()),
                         result_.inputs.end());
    std::sort(result_.objects.begin(), result_.objects.end(),
              [](const ShippedElf& a, const ShippedElf& b) {
                return std::tie(b.staged, a.image_path) < std::tie(a.staged, b.image_path);
              });
    return result_;
  }

 private:
  std::vector<std::string> StagedElfFiles() {
    std::vector<std::string> out;
    for (const auto& e : EntriesFromTree(req_.stage)) {
      struct stat st;
      if (lstat(e.source.c_str(), &st) == 0 && S_ISREG(st.st_mode) && IsElfFile(e.source)) {
        if (req_.platform) CheckMachine("/" + e.path, ReadElfInfo(e.source));
        out.push_back("/" + e.path);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<LayerEntry> PackagedElfFiles() const {
    std::vector<LayerEntry> out;
    for (const auto& e : req_.packaged) {
      struct stat st;
      if (lstat(e.source.c_str(), &st) == 0 && S_ISREG(st.st_mode) && IsElfFile(e.source))
        out.push_back(e);
    }
    std::sort(out.begin(), out.end(),
              [](const LayerEntry& a, const LayerEntry& b) { return a.path < b.path; });
    return out;
  }

  // An installed ELF file of another machine (a host tool installed by
  // mistake) would not run in the image.
  void CheckMachine(const std::string& image_path, const ElfInfo& info) const {
    const PlatformInfo& want = *req_.platform;
    int bits = info.elf_class == ELFCLASS64 ? 64 : 32;
    if (bits == want.elf_bits && info.machine == want.elf_machine) return;
    const PlatformInfo* have = PlatformOfElf(info.elf_class, info.machine);
    Fail("{}: an ELF file for {} in the image for {} (installed from the wrong build, or a "
         "build tool installed by mistake?)", image_path,
         have ? have->name : fmt::format("ELF machine {}", info.machine), want.name);
  }

  void Enqueue(const std::string& image_path, bool from_stage) {
    if (!seen_.insert(image_path).second) return;
    std::string host = HostPath(from_stage ? req_.stage : req_.root, image_path);
    if (!from_stage) result_.inputs.push_back(host);
    queue_.push_back({image_path, host, from_stage, ReadElfInfo(host)});
  }

  void EnqueueHost(const std::string& image_path, const std::string& host) {
    if (!seen_.insert(image_path).second) return;
    result_.inputs.push_back(host);
    queue_.push_back({image_path, host, false, ReadElfInfo(host)});
  }

  void Visit(const Object& o) {
    if (!o.info.interpreter.empty()) AddInterpreter(o);
    std::string origin = DirName(o.image_path);
    std::vector<std::string> dirs;
    if (o.info.runpath.empty())
      for (const auto& d : o.info.rpath) dirs.push_back(ExpandOrigin(d, origin));
    for (const auto& d : o.info.runpath) dirs.push_back(ExpandOrigin(d, origin));
    // What ld.so searches in an image with no ld.so.cache: all but the
    // ld.so.conf directories.
    std::set<std::string> uncached(dirs.begin(), dirs.end());
    dirs.insert(dirs.end(), conf_dirs_.begin(), conf_dirs_.end());
    for (const auto& d : DefaultDirs(o.info)) {
      dirs.push_back(d);
      uncached.insert(d);
    }
    ShippedElf shipped{o.image_path, o.host_path, o.staged, {}};
    for (const auto& name : o.info.needed) {
      std::string base_path;
      std::string found = Resolve(o, name, dirs, &base_path);
      if (!found.empty() && !uncached.count(DirName(found))) AddLoaderLink(o.info, name, found);
      if (!base_path.empty()) shipped.from_base[name] = base_path;
    }
    result_.objects.push_back(std::move(shipped));
  }

  void AddInterpreter(const Object& o) {
    const std::string& interp = o.info.interpreter;
    if (provided_.count(interp)) return;
    if (Stage(interp)) return;
    RootResolution r;
    if (!ResolveInRoot(req_.root, interp, &r))
      Fail("interpreter {} not found in {}", interp, req_.root);
    if (provided_.count(r.path)) return;
    Emit(r);
    Enqueue(r.path, false);
  }

  bool Stage(const std::string& image_path) {
    RootResolution r;
    if (!ResolveInRoot(req_.stage, image_path, &r)) return false;
    struct stat st;
    return stat(HostPath(req_.stage, r.path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  // A library found only through ld.so.conf (/usr/local/lib) is not found
  // in an image without an ld.so.cache: a link in the default directory
  // points at it, so the image runs as the closure resolved it.
  void AddLoaderLink(const ElfInfo& info, const std::string& name, const std::string& found) {
    std::vector<std::string> defaults = DefaultDirs(info);
    std::string dir = defaults.size() > 1 && StartsWith(defaults[1], "/usr/lib/")
                          ? defaults[1]
                          : "/usr/lib";
    std::string link = dir + "/" + name;
    if (link != found && !provided_.count(link)) result_.loader_links[link] = found;
  }

  // The directory-joined path the library was found at ("" when the base
  // provides it, or when it was resolved before), or fails naming what was
  // searched. *base_path: the base's path of it ("" when the image ships it).
  std::string Resolve(const Object& o, const std::string& name,
                      const std::vector<std::string>& dirs, std::string* base_path) {
    std::string key = fmt::format("{}:{}:{}", o.info.elf_class, o.info.machine, name);
    if (auto it = resolved_.find(key); it != resolved_.end()) return *base_path = it->second, "";
    std::vector<std::string> candidates;
    if (name.find('/') != std::string::npos) candidates.push_back(name);
    else
      for (const auto& d : dirs) candidates.push_back(d + "/" + name);
    for (const auto& c : candidates) {
      if (c.empty() || c[0] != '/') continue;
      // The stage's file first, then the runtime packages': the image's
      // layers hide the base's.
      RootResolution r;
      if (ResolveInRoot(req_.stage, c, &r) && Compatible(req_.stage, r.path, o.info)) {
        Enqueue(r.path, true);
        return Done(key, ""), c;
      }
      if (packaged_.count(c)) return Done(key, ""), "";
      if (req_.provided.count(c)) return *base_path = Done(key, c), "";
      if (ResolveInRoot(req_.root, c, &r) && Compatible(req_.root, r.path, o.info)) {
        if (packaged_.count(r.path)) return Done(key, ""), "";
        if (req_.provided.count(r.path)) return *base_path = Done(key, r.path), "";
        Emit(r);
        Enqueue(r.path, false);
        return Done(key, ""), c;
      }
    }
    std::string searched;
    for (const auto& d : dirs) searched += (searched.empty() ? "" : ":") + d;
    Fail("library {} not found in {} (searched {})", name, req_.root, searched);
  }

  std::string Done(const std::string& key, const std::string& base_path) {
    return resolved_[key] = base_path;
  }

  static bool Compatible(const std::string& root, const std::string& path, const ElfInfo& want) {
    std::string host = HostPath(root, path);
    struct stat st;
    if (stat(host.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !IsElfFile(host)) return false;
    return ReadElfInfo(host).compatible(want);
  }

  void Emit(const RootResolution& r) {
    for (const auto& link : r.symlinks) {
      if (provided_.count(link.path)) continue;
      result_.entries.push_back({link.path.substr(1), HostPath(req_.root, link.path)});
    }
    result_.entries.push_back({r.path.substr(1), HostPath(req_.root, r.path)});
  }

  const ClosureRequest& req_;
  std::set<std::string> provided_;  // the base's paths and the packaged ones
  std::set<std::string> packaged_;  // the runtime packages' paths
  std::vector<std::string> conf_dirs_;
  std::deque<Object> queue_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> resolved_;  // key -> base path ("": shipped)
  ClosureResult result_;
};

}  // namespace

std::vector<std::string> ReadLdSoConf(const std::string& root,
                                      std::vector<std::string>* files_read) {
  std::vector<std::string> dirs;
  ParseLdSoConfFile(root, "/etc/ld.so.conf", 0, &dirs, files_read);
  return dirs;
}

std::string ClosureStageStamp(const std::vector<LayerEntry>& entries, FileDigestCache& digests) {
  std::string out;
  for (const auto& e : entries) {
    struct stat st;
    if (lstat(e.source.c_str(), &st) != 0) FailErrno("lstat " + e.source);
    if (S_ISREG(st.st_mode) && !HasElfMagic(digests.HeadOf(e.source, st)))
      out += "o " + e.path + "\n";
    else
      out += EntryStampLine(e, st, digests);
  }
  return out;
}

ClosureResult ComputeClosure(const ClosureRequest& request) {
  if (!IsDirectory(request.stage)) Fail("{}: no such directory", request.stage);
  if (!IsDirectory(request.root)) Fail("{}: no such directory", request.root);
  return ClosureWalker(request).Run();
}

}  // namespace ocimake
