#include "layer/layer_split.h"

#include <sys/stat.h>

#include "base/error.h"

namespace ocimake {

namespace {

// The parts for one split size (see the header).
std::vector<LayerPart> CutParts(const std::vector<SplitEntry>& entries, uint64_t split) {
  std::vector<LayerPart> parts;
  LayerPart part;
  auto close = [&](size_t end) {
    part.end = end;
    if (part.end > part.begin) parts.push_back(part);
    part = LayerPart{end, end, 0, ""};
  };
  uint64_t quarter = split / 4;
  for (size_t i = 0; i < entries.size(); ++i) {
    const SplitEntry& e = entries[i];
    bool big = e.regular && e.tar_bytes >= quarter;
    if (big) close(i);
    part.bytes += e.tar_bytes;
    if (big || part.bytes >= split || (part.bytes >= quarter && e.cut_point)) close(i + 1);
  }
  close(entries.size());
  return parts;
}

}  // namespace

bool IsCutPoint(const std::string& path) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : path) h = (h ^ c) * 1099511628211ull;
  // MurmurHash3's finaliser: FNV-1a alone leaves the bits of paths that
  // differ in their last characters alike.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return (h & 7) == 0;
}

std::vector<LayerPart> SplitParts(const std::vector<SplitEntry>& entries, uint64_t split_size,
                                  const std::string& options) {
  if (split_size < kMinSplitSize)
    Fail("split size {}: expected at least {} bytes", split_size, kMinSplitSize);
  uint64_t total = 0;
  for (const auto& e : entries) total += e.tar_bytes;
  if (total < split_size) return {};
  // A part holds more than a quarter of the split size, or a big file: at
  // most total / quarter + 1 parts. Doubling by the total, not by the count
  // of parts, keeps the boundaries when one file is added.
  while (total / (split_size / 4) > kMaxLayerParts - 1) split_size *= 2;
  std::vector<LayerPart> parts = CutParts(entries, split_size);
  if (parts.size() < 2) return {};
  for (auto& part : parts) {
    Sha256 key;
    key.Update(options + "\n");
    for (size_t i = part.begin; i < part.end; ++i) key.Update(entries[i].line.hex());
    part.key = key.Finish().hex();
  }
  return parts;
}

std::vector<SplitEntry> ReadSplitEntries(const std::string& dir, FileDigestCache& digests,
                                         bool* hardlinked) {
  std::vector<SplitEntry> out;
  *hardlinked = false;
  WalkTreeSorted(dir, [&](const LayerEntry& e) {
    struct stat st;
    if (lstat(e.source.c_str(), &st) != 0) FailErrno("lstat " + e.source);
    SplitEntry s;
    s.regular = S_ISREG(st.st_mode);
    uint64_t size = s.regular ? static_cast<uint64_t>(st.st_size) : 0;
    s.tar_bytes = 512 + (size + 511) / 512 * 512;
    if (s.regular && st.st_nlink > 1) *hardlinked = true;
    s.cut_point = IsCutPoint(e.path);
    s.line = Digest::Of(EntryStampLine(e, st, digests));
    out.push_back(s);
  });
  return out;
}

EntryStream PartStream(const std::string& dir, const LayerPart& part) {
  std::string root = dir.size() > 1 && dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir;
  return [root, part](const EntryVisitor& visit) {
    size_t index = 0;
    WalkTreeSorted(root, [&](const LayerEntry& e) {
      size_t i = index++;
      if (i < part.begin || i >= part.end) return;
      if (i == part.begin)  // the directories above it, parents first
        for (size_t slash = e.path.find('/'); slash != std::string::npos;
             slash = e.path.find('/', slash + 1))
          visit(LayerEntry{e.path.substr(0, slash), root + "/" + e.path.substr(0, slash)});
      visit(e);
    });
  };
}

}  // namespace ocimake
