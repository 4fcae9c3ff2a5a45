// What goes into a layer: a list of (path in the layer, host source) pairs,
// from a staged tree or from an entries file, normalised and completed with
// every parent directory.
#ifndef OCIMAKE_LAYER_LAYER_ENTRIES_H_
#define OCIMAKE_LAYER_LAYER_ENTRIES_H_

#include <string>
#include <vector>

namespace ocimake {

struct LayerEntry {
  std::string path;    // in the layer: relative, '/'-separated, no "." or ".."
  std::string source;  // host path, lstat()ed; empty for an implied directory
};

// Normalises a path for a layer: strips leading '/' and "./", folds "//" and
// "."; fails on "..", on an empty path and on control characters.
std::string NormalizeLayerPath(const std::string& path);

// Every file, directory and symlink below `dir` (not `dir` itself).
std::vector<LayerEntry> EntriesFromTree(const std::string& dir);

// An entries file: one "DEST<TAB>SOURCE" per line ('#' starts a comment).
std::vector<LayerEntry> EntriesFromListFile(const std::string& list_file);

// Adds the parent directories every entry needs, rejects duplicate paths and
// sorts by path bytes: the order of a layer never depends on the file
// system's directory order.
std::vector<LayerEntry> CompleteAndSort(std::vector<LayerEntry> entries);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_ENTRIES_H_
