#include "stage/component_layers.h"

#include <sys/stat.h>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

bool IsRealDirectory(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::map<std::string, std::set<std::string>> TakeComponentPaths(
    const std::string& stage, const std::vector<std::string>& components) {
  std::string dir = JoinPath(stage, kComponentsDir);
  std::map<std::string, std::set<std::string>> paths;
  for (const auto& component : components) {
    std::set<std::string>& mine = paths[component];
    std::string tree = JoinPath(dir, component);
    if (IsDirectory(tree))
      for (const auto& e : EntriesFromTree(tree))
        if (!IsRealDirectory(e.source)) mine.insert(e.path);
    if (mine.empty())
      Fail("LAYERS {}: the install rules install nothing for component '{}' (expected an "
           "install(... COMPONENT {}) rule)", component, component, component);
  }
  RemoveTree(dir);
  return paths;
}

ComponentSplit SplitByComponent(const std::vector<LayerEntry>& entries,
                                const std::vector<std::string>& components,
                                const std::map<std::string, std::set<std::string>>& paths) {
  ComponentSplit split;
  for (const auto& component : components) split.components.push_back({component, {}});
  for (const auto& e : entries) {
    bool taken = false;
    for (auto& [component, mine] : split.components) {
      auto it = paths.find(component);
      if (it != paths.end() && it->second.count(e.path)) {
        mine.push_back(e);
        taken = true;
        break;
      }
    }
    if (!taken) split.rest.push_back(e);
  }
  return split;
}

}  // namespace ocimake
