#include "layer_entries.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "error.h"
#include "fs_util.h"

namespace ocimake {

namespace fs = std::filesystem;

std::string NormalizeLayerPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") Fail("path '{}': '..' is not allowed in a layer path", path);
    parts.push_back(part);
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f) Fail("path '{}': control characters are not allowed", path);
  if (parts.empty()) Fail("path '{}': empty path", path);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::vector<LayerEntry> EntriesFromTree(const std::string& dir) {
  if (!IsDirectory(dir)) Fail("{}: no such directory", dir);
  std::vector<LayerEntry> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) Fail("{}: {}", dir, ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) Fail("{}: {}", dir, ec.message());
    // Lexically: fs::relative() would resolve symlinks in the tree.
    std::string rel = it->path().lexically_relative(dir).string();
    out.push_back({NormalizeLayerPath(rel), it->path().string()});
  }
  return out;
}

std::vector<LayerEntry> EntriesFromListFile(const std::string& list_file) {
  std::istringstream in(ReadFile(list_file));
  std::vector<LayerEntry> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size())
      Fail("{}:{}: expected DEST<TAB>SOURCE", list_file, number);
    std::string dest = line.substr(0, tab);
    out.push_back({WithContext(fmt::format("{}:{}", list_file, number),
                               [&] { return NormalizeLayerPath(dest); }),
                   line.substr(tab + 1)});
  }
  return out;
}

std::vector<LayerEntry> CompleteAndSort(std::vector<LayerEntry> entries) {
  std::map<std::string, std::string> by_path;
  for (auto& e : entries) {
    auto [it, inserted] = by_path.emplace(e.path, e.source);
    if (!inserted && it->second != e.source)
      Fail("path '{}' is given twice: from {} and from {}", e.path, it->second, e.source);
  }
  std::vector<std::string> parents;
  for (const auto& [path, source] : by_path) {
    for (auto slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1))
      parents.push_back(path.substr(0, slash));
  }
  for (auto& p : parents) by_path.emplace(p, "");
  std::vector<LayerEntry> out;
  out.reserve(by_path.size());
  for (auto& [path, source] : by_path) out.push_back({path, source});
  return out;  // std::map order: byte-wise by path
}

}  // namespace ocimake
