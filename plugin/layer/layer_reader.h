// Reading the entries of a tar (a layer blob, or an oci/docker archive;
// gzip, zstd, xz or uncompressed) as a stream through libarchive: the one
// tar reader of ocimake, for the unpacker, the archive import, base_files
// and `ocimake inspect --files`.
//
// Every tar is untrusted, and every caller gets the same checks
// (docs/untrusted-input.md): a name or hardlink target with a ".."
// component, control characters or no name at all is an error; absolute
// names are made relative ("/etc/passwd" is "etc/passwd"); the root entry
// ("./") is skipped; whiteouts (.wh.NAME, .wh..wh..opq) come out as
// deletions, never as files, and a malformed one (".wh.", ".wh..",
// ".wh..wh.x") is an error. A LayerReadPolicy adds what a caller that
// writes the entries out needs: limits on entries and bytes (checked on
// the declared size, before any content is read), device nodes, FIFOs and
// sockets left out, setuid/setgid bits dropped.
#ifndef OCIMAKE_LAYER_LAYER_READER_H_
#define OCIMAKE_LAYER_LAYER_READER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "base/digest.h"
#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {

struct LayerTarEntry {
  enum Type { kFile, kDir, kSymlink, kHardlink, kChar, kBlock, kFifo, kSocket, kWhiteout, kOpaque };
  Type type = kFile;
  // "usr/bin/app". kWhiteout: the path it deletes; kOpaque: the directory
  // whose lower-layer contents it hides ("" for the root).
  std::string path;
  uint32_t mode = 0;  // permission bits, setuid/setgid/sticky included
  int64_t size = 0;   // bytes of content (0 for a hardlink)
  // A symlink's target (verbatim); a hardlink's target path, normalised as
  // `path` is.
  std::string link;
  int64_t uid = 0, gid = 0;
  int64_t mtime = 0;  // seconds since 1970
};

struct LayerStats {
  int64_t entries = 0;        // entries passed to the caller
  int64_t content_bytes = 0;  // sum of their sizes
};

// What a reader lets through beyond the checks every reader makes.
struct LayerReadPolicy {
  static constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();
  uint64_t max_entries = kNoLimit;  // tar headers, the skipped ones included
  uint64_t max_bytes = kNoLimit;    // declared content sizes, summed
  uint64_t bytes_before = 0;        // counted against max_bytes (earlier layers)
  bool skip_special = false;        // no kChar, kBlock, kFifo, kSocket
  bool drop_setid = false;          // mode & ~06000
};

// Pulls the entries of one tar, in order; `what` names it in errors.
class LayerReader {
 public:
  LayerReader(const std::string& path, std::string what, LayerReadPolicy policy = {});
  ~LayerReader();
  LayerReader(const LayerReader&) = delete;
  LayerReader& operator=(const LayerReader&) = delete;

  // The next entry that passes the policy; false at the end of the tar.
  bool Next(LayerTarEntry* entry);
  // Streams the content of the entry Next() gave last (holes of a sparse
  // file as zeros); at most once per entry.
  void ReadContent(const ByteSink& sink);
  const LayerStats& stats() const { return stats_; }

 private:
  struct Archive;
  std::unique_ptr<Archive> archive_;
  std::string what_;
  LayerReadPolicy policy_;
  LayerStats stats_;
  uint64_t headers_ = 0;
  std::string current_;  // the raw name of the current entry, for errors
  uint64_t current_size_ = 0;  // its size: ReadContent gives no more
};

using LayerEntryFn = std::function<void(const LayerTarEntry&)>;

// Calls `fn` for every entry of the tar file `path` (any compression);
// `what` names it in errors.
LayerStats ReadLayerEntries(const std::string& path, const std::string& what,
                            const LayerEntryFn& fn);

// The same for a layer blob of `layout`, verified against its digest first.
LayerStats ReadLayerEntries(const OciLayout& layout, const Descriptor& layer,
                            const LayerEntryFn& fn);

// Streams the decompressed bytes of a file (gzip, zstd, xz, bzip2 or plain).
void ReadDecompressed(const std::string& path, const ByteSink& sink);

// sha256 of the decompressed bytes of a blob (a layer's diff_id), and their
// number.
Digest UncompressedDigest(const std::string& path, uint64_t* size = nullptr);

// ls-style: "-rwxr-xr-x", "drwxr-xr-x", "lrwxrwxrwx", "hrw-r--r--" (a
// hardlink, as `tar -tv` shows it), "-rwsr-xr-x"...; "" for a deletion.
std::string ModeString(const LayerTarEntry& e);

// "file", "dir", "symlink", "hardlink", "char", "block", "fifo", "socket",
// "whiteout", "opaque".
const char* TypeName(LayerTarEntry::Type type);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_READER_H_
