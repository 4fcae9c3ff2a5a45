// What goes into a layer: a list of (path in the layer, host source) pairs,
// from a staged tree or from an entries file, normalised and completed with
// every parent directory.
#ifndef OCIMAKE_LAYER_LAYER_ENTRIES_H_
#define OCIMAKE_LAYER_LAYER_ENTRIES_H_

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/file_digest_cache.h"

namespace ocimake {

// Who owns an entry and its permission bits, when the layer states them
// instead of the normalisation rule (layer_writer.h): the runtime user's home
// and WRITABLE directories, /tmp's 1777.
struct EntryOwner {
  int64_t uid = 0;
  int64_t gid = 0;
  unsigned mode = 0755;  // permission bits, sticky included
};

struct LayerEntry {
  LayerEntry() = default;
  LayerEntry(std::string p, std::string s, std::optional<EntryOwner> o = std::nullopt)
      : path(std::move(p)), source(std::move(s)), owner(o) {}
  std::string path;    // in the layer: relative, '/'-separated, no "." or ".."
  std::string source;  // host path, lstat()ed; empty for an implied directory
  std::optional<EntryOwner> owner;  // none: root, mode by the normalisation rule
};

// Normalises a path for a layer: strips leading '/' and "./", folds "//" and
// "."; fails on "..", on an empty path and on control characters.
std::string NormalizeLayerPath(const std::string& path);

// Every file, directory and symlink below `dir` (not `dir` itself).
std::vector<LayerEntry> EntriesFromTree(const std::string& dir);

// Entries in layer order, one at a time: a producer calls its argument once
// per entry. A layer is written from one, so a tree never has to be held
// in memory whole.
using EntryVisitor = std::function<void(const LayerEntry&)>;
using EntryStream = std::function<void(const EntryVisitor&)>;

// Visits what CompleteAndSort(EntriesFromTree(dir)) lists, in the same
// order, reading one directory at a time: memory grows with the depth and
// the widest directory, not with the number of files. The order is by path
// bytes: in each directory the names sorted, a subdirectory's entries
// placed as the key "NAME/" ("a", then "a-b", then "a/x": '-' < '/').
void WalkTreeSorted(const std::string& dir, const EntryVisitor& visit);
EntryStream TreeStream(const std::string& dir);
// The entries of a list (CompleteAndSort()ed) as a stream; the list must
// outlive it.
EntryStream ListStream(const std::vector<LayerEntry>& entries);

// An entries file: one "DEST<TAB>SOURCE[<TAB>UID:GID:MODE]" per line ('#'
// starts a comment); MODE is octal ("65532:65532:0755", "0:0:1777").
std::vector<LayerEntry> EntriesFromListFile(const std::string& list_file);
// One line of an entries file, "\n" included.
std::string EntryLine(const LayerEntry& entry);

// One line of what decides an entry's bytes in a layer (`st`: its
// lstat()): "f<x|-> SIZE SHA256 PATH" for a regular file (the sha256
// through `digests`), "l TARGET PATH" for a symlink, "d - PATH" for a
// directory or anything else. A staging stamp and a split layer's part keys
// are made of these.
std::string EntryStampLine(const LayerEntry& entry, const struct stat& st,
                           FileDigestCache& digests);

// Adds the parent directories every entry needs, rejects duplicate paths and
// sorts by path bytes: the order of a layer never depends on the file
// system's directory order.
std::vector<LayerEntry> CompleteAndSort(std::vector<LayerEntry> entries);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_ENTRIES_H_
