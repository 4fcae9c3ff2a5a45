// Runtime files only: what install rules put in a staging tree for
// developers (headers, static libraries, CMake package files, pkg-config
// files, man, info and doc pages) is taken out before the tree becomes a
// layer, unless kept; EXCLUDE globs take out more. What was taken out is
// listed, so `ocimake inspect` can say it.
#ifndef OCIMAKE_STAGE_STAGE_FILTER_H_
#define OCIMAKE_STAGE_STAGE_FILTER_H_

#include <string>
#include <utility>
#include <vector>

namespace ocimake {

struct StageFilter {
  bool keep_development_files = false;
  // fnmatch(3) globs: one with a '/' matches the whole path in the image
  // ("/usr/local/share/app/*.txt", '*' also matches '/'); one without
  // matches any entry's name ("*.debug"). A matched directory goes whole.
  std::vector<std::string> exclude;
};

// The development-file kind of `path` (absolute, in the image): "header",
// "static library", "CMake package file", "pkg-config file", "man page",
// "doc file", or "" for a runtime file.
std::string DevelopmentKind(const std::string& path);

// What a filter took out: paths in the image ("/usr/local/include/x.h"),
// sorted; `development` pairs each path with its kind.
struct FilterResult {
  std::vector<std::pair<std::string, std::string>> development;
  std::vector<std::string> excluded;
};

// Removes from the tree at `root` what `filter` takes out (EXCLUDE first),
// and the directories left empty by that (a directory the install rules
// left empty stays).
FilterResult FilterStagedTree(const std::string& root, const StageFilter& filter);

// One line for the app layer's history comment: "left out: 12 development
// files (10 headers, 1 static library, 1 pkg-config file; e.g. /usr/...),
// 3 files matching EXCLUDE", or "" when nothing was.
std::string ExcludedSummary(const FilterResult& result);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_STAGE_FILTER_H_
