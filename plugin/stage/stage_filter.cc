#include "stage/stage_filter.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace fs = std::filesystem;

namespace {

bool HasComponent(const std::string& path, const std::string& name) {
  return path.find("/" + name + "/") != std::string::npos;
}

bool IsCMakePackageFile(const std::string& path, const std::string& name) {
  if (!EndsWith(name, ".cmake")) return false;
  static const char* kNames[] = {"Config.cmake", "-config.cmake", "ConfigVersion.cmake",
                                 "-config-version.cmake"};
  for (const char* n : kNames)
    if (EndsWith(name, n)) return true;
  return HasComponent(path, "cmake") || name.find("Targets") != std::string::npos ||
         name.find("-targets") != std::string::npos;
}

bool MatchesExclude(const std::string& path, const std::vector<std::string>& globs) {
  std::string name = path.substr(path.rfind('/') + 1);
  for (const auto& g : globs) {
    bool whole = g.find('/') != std::string::npos;
    if (fnmatch(g.c_str(), (whole ? path : name).c_str(), 0) == 0) return true;
  }
  return false;
}

// Removes `dir` and its parents below `root` while they are empty.
void RemoveEmptyParents(const fs::path& root, fs::path dir) {
  std::error_code ec;
  while (dir != root && dir.string().size() > root.string().size() && fs::is_empty(dir, ec) && !ec) {
    fs::remove(dir, ec);
    dir = dir.parent_path();
  }
}

}  // namespace

std::string DevelopmentKind(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  std::string ext = name.find('.') == std::string::npos ? "" : name.substr(name.rfind('.'));
  static const std::set<std::string> kHeaders = {".h",   ".hh",  ".hpp", ".hxx", ".h++",
                                                 ".inl", ".ipp", ".tcc", ".tpp"};
  if (kHeaders.count(ext) || HasComponent(path, "include")) return "header";
  if (ext == ".a" || ext == ".la") return "static library";
  if (ext == ".pc" || HasComponent(path, "pkgconfig")) return "pkg-config file";
  if (IsCMakePackageFile(path, name)) return "CMake package file";
  if (HasComponent(path, "share/man") || HasComponent(path, "share/info")) return "man page";
  if (HasComponent(path, "share/doc")) return "doc file";
  return "";
}

FilterResult FilterStagedTree(const std::string& root, const StageFilter& filter) {
  FilterResult result;
  std::set<fs::path> touched;
  std::vector<fs::path> remove;
  std::error_code ec;
  fs::path base(root);
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string path = "/" + it->path().lexically_relative(base).string();
    bool dir = it->is_directory(ec) && !it->is_symlink(ec);
    if (MatchesExclude(path, filter.exclude)) {
      if (dir) {
        for (auto& f : fs::recursive_directory_iterator(it->path(), ec))
          if (!f.is_directory()) result.excluded.push_back("/" + f.path().lexically_relative(base).string());
        it.disable_recursion_pending();
      } else {
        result.excluded.push_back(path);
      }
      remove.push_back(it->path());
    } else if (!dir && !filter.keep_development_files) {
      std::string kind = DevelopmentKind(path);
      if (kind.empty()) continue;
      result.development.emplace_back(path, kind);
      remove.push_back(it->path());
    }
  }
  if (ec) Fail("reading the staged tree {}: {}", root, ec.message());
  for (const auto& p : remove) {
    fs::remove_all(p, ec);
    if (ec) Fail("removing {}: {}", p.string(), ec.message());
    touched.insert(p.parent_path());
  }
  for (auto it = touched.rbegin(); it != touched.rend(); ++it) RemoveEmptyParents(base, *it);
  std::sort(result.development.begin(), result.development.end());
  std::sort(result.excluded.begin(), result.excluded.end());
  return result;
}

std::string ExcludedSummary(const FilterResult& r) {
  static const std::map<std::string, std::string> kPlural = {
      {"header", "headers"},
      {"static library", "static libraries"},
      {"pkg-config file", "pkg-config files"},
      {"CMake package file", "CMake package files"},
      {"man page", "man pages"},
      {"doc file", "doc files"}};
  std::string out;
  if (!r.development.empty()) {
    std::map<std::string, int> counts;
    for (const auto& [path, kind] : r.development) ++counts[kind];
    std::string kinds;
    for (const auto& [kind, n] : counts)
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, n == 1 ? kind : kPlural.at(kind));
    std::string examples;
    for (size_t i = 0; i < r.development.size() && i < 3; ++i)
      examples += (i ? ", " : "") + r.development[i].first;
    out = fmt::format("left out: {} development file{} ({}; e.g. {}{}); KEEP_DEVELOPMENT_FILES "
                      "ON keeps them",
                      r.development.size(), r.development.size() == 1 ? "" : "s", kinds, examples,
                      r.development.size() > 3 ? ", ..." : "");
  }
  if (!r.excluded.empty())
    out += fmt::format("{}{} file{} matching EXCLUDE", out.empty() ? "left out: " : "; ",
                       r.excluded.size(), r.excluded.size() == 1 ? "" : "s");
  return out;
}

}  // namespace ocimake
