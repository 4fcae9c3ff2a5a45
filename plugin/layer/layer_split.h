// A size-based split of one large tree into several layers, so that an
// edit re-packs only the part the edited file is in, not 300 MB of data
// that did not change.
//
// The tree's entries, in layer order (WalkTreeSorted), are cut into parts
// by what they cost in the tar (a header, and a file's data rounded up to
// 512 bytes: 100,000 small files are 100 MB to compress, not 3 MB):
//   - a regular file of at least a quarter of the split size is a part of
//     its own (the big asset that rarely changes);
//   - otherwise a part ends after an entry once it holds the split size, or
//     once it holds a quarter of it and the entry's path hashes to a cut
//     point (1 in 8 paths, IsCutPoint). The cut points come from the
//     paths, not from running byte counts, so adding or removing a file
//     moves the boundaries of its own part only, not of every later one.
// A tree of less than the split size, or one
// with a multiply linked file (a hardlink entry needs its target in the
// same layer), is not split. A tree of more than kMaxLayerParts - 1
// quarters of the split size is split as if the size were doubled (until
// it is not): an image stays far below the 127 layers some runtimes take.
//
// Deterministic: the parts depend on the paths, the types and sizes of the
// entries and the split size, never on the machine or the core count. Each
// part is a layer of its own, with the directories above its first entry,
// and has a key: the sha256 of every entry's type, mode, size and content
// digest (or link target) and path, and of the packing options. A part
// whose key is unchanged is the same bytes and need not be packed again.
#ifndef OCIMAKE_LAYER_LAYER_SPLIT_H_
#define OCIMAKE_LAYER_LAYER_SPLIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/file_digest_cache.h"
#include "layer/layer_entries.h"

namespace ocimake {

constexpr size_t kMaxLayerParts = 32;
constexpr uint64_t kMinSplitSize = 4096;

// What the split needs of one entry of the tree.
struct SplitEntry {
  uint64_t tar_bytes = 0;   // what it costs in the tar: 512 + its size rounded up to 512
  bool regular = false;
  bool cut_point = false;   // its path hashes to a cut point
  Digest line;              // sha256 of its type, mode, size, content and path
};

struct LayerPart {
  size_t begin = 0, end = 0;  // indices of the tree's entries, [begin, end)
  uint64_t bytes = 0;         // its entries' tar bytes
  std::string key;            // hex sha256 (see above)
};

// Whether `path` is a cut point: the low 3 bits of its 64-bit FNV-1a hash,
// finalised as MurmurHash3 does, are 0 (1 in 8; the same on every
// machine, unlike std::hash).
bool IsCutPoint(const std::string& path);

// The parts of entries `entries` for `split_size` bytes (at least
// kMinSplitSize, else an error); `options`
// is folded into each key (compression, level, mtime). Returns no part
// when the entries are not to be split.
std::vector<LayerPart> SplitParts(const std::vector<SplitEntry>& entries, uint64_t split_size,
                                  const std::string& options);

// Reads the tree below `dir` as SplitParts needs it: every entry lstat()ed,
// regular files' sha256 through `digests`. `hardlinked` is set when a
// regular file has more than one link.
std::vector<SplitEntry> ReadSplitEntries(const std::string& dir, FileDigestCache& digests,
                                         bool* hardlinked);

// The entries of `part` of the tree below `dir`, in layer order, after the
// directories above its first entry.
EntryStream PartStream(const std::string& dir, const LayerPart& part);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_SPLIT_H_
