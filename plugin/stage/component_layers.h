// LAYERS: install components that become layers of their own, below the
// application layer that holds the rest (as Jib splits dependencies,
// resources and classes), so an edit to one component re-packs and re-pushes
// only its layer.
//
// The stage installs everything into the staging tree as usual, then each
// LAYERS component once more into <stage>/.ocimake-components/<component>
// (on the host or in the toolchain's sandbox alike). That second install
// only tells which paths the component owns: TakeComponentPaths() reads and
// removes it. A path two components install goes to the first in LAYERS
// order.
#ifndef OCIMAKE_STAGE_COMPONENT_LAYERS_H_
#define OCIMAKE_STAGE_COMPONENT_LAYERS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "layer/layer_entries.h"

namespace ocimake {

inline constexpr char kComponentsDir[] = ".ocimake-components";

// Component -> the paths (relative, files and symlinks) it installed below
// <stage>/.ocimake-components/<component>; that directory is removed. A
// component that installed nothing fails, naming it (a misspelt LAYERS).
std::map<std::string, std::set<std::string>> TakeComponentPaths(
    const std::string& stage, const std::vector<std::string>& components);

// The staged tree's entries, split: each component's (in LAYERS order) and
// the rest (directories stay with the rest; a component's layer gets its
// parents implied).
struct ComponentSplit {
  std::vector<std::pair<std::string, std::vector<LayerEntry>>> components;
  std::vector<LayerEntry> rest;
};
ComponentSplit SplitByComponent(const std::vector<LayerEntry>& entries,
                                const std::vector<std::string>& components,
                                const std::map<std::string, std::set<std::string>>& paths);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_COMPONENT_LAYERS_H_
