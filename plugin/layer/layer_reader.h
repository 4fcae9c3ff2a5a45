// Reading the entries of one layer blob (a tar: gzip, zstd or uncompressed)
// as a stream through libarchive: nothing is unpacked to disk. Names are
// normalised as layer paths (no "..", no control characters); the root
// entry ("./") is skipped; whiteouts (.wh.NAME, .wh..wh..opq) come out as
// deletions, never as files. Used by `ocimake inspect --files` and to list
// what a base image already has (base_files.h).
#ifndef OCIMAKE_LAYER_LAYER_READER_H_
#define OCIMAKE_LAYER_LAYER_READER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "oci/oci_layout.h"

namespace ocimake {

struct LayerTarEntry {
  enum Type { kFile, kDir, kSymlink, kHardlink, kChar, kBlock, kFifo, kSocket, kWhiteout, kOpaque };
  Type type = kFile;
  // "usr/bin/app". kWhiteout: the path it deletes; kOpaque: the directory
  // whose lower-layer contents it hides ("" for the root).
  std::string path;
  uint32_t mode = 0;  // permission bits, setuid/setgid/sticky included
  int64_t size = 0;   // bytes of content (0 for a hardlink)
  std::string link;   // a symlink's target (verbatim), a hardlink's target path
};

struct LayerStats {
  int64_t entries = 0;        // entries passed to the callback
  int64_t content_bytes = 0;  // sum of the entries' sizes
};

using LayerEntryFn = std::function<void(const LayerTarEntry&)>;

// Calls `fn` for every entry of the tar file `path` (any compression);
// `what` names it in errors.
LayerStats ReadLayerEntries(const std::string& path, const std::string& what,
                            const LayerEntryFn& fn);

// The same for a layer blob of `layout`, verified against its digest first.
LayerStats ReadLayerEntries(const OciLayout& layout, const Descriptor& layer,
                            const LayerEntryFn& fn);

// ls-style: "-rwxr-xr-x", "drwxr-xr-x", "lrwxrwxrwx", "hrw-r--r--" (a
// hardlink, as `tar -tv` shows it), "-rwsr-xr-x"...; "" for a deletion.
std::string ModeString(const LayerTarEntry& e);

// "file", "dir", "symlink", "hardlink", "char", "block", "fifo", "socket",
// "whiteout", "opaque".
const char* TypeName(LayerTarEntry::Type type);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_READER_H_
