// Writes a layer: a deterministic tar of LayerEntry values, compressed, in
// one streaming pass that yields both the diff_id (sha256 of the tar) and the
// blob digest (sha256 of the compressed bytes). Memory stays bounded by a few
// chunk buffers whatever the size of the tree.
//
// The normalisation rule, for every entry (NormalizeEntry in the .cc):
//   - uid/gid 0 (or the given ones), no user or group names; an entry that
//     states its owner (LayerEntry::owner) keeps that owner and those
//     permission bits, sticky bit included (/tmp's 1777);
//   - mtime = the epoch given (SOURCE_DATE_EPOCH, 0 when unset); no atime,
//     ctime, xattrs, ACLs or file flags;
//   - mode: directories 0755; regular files 0755 when the owner may execute
//     them, else 0644; symlinks 0777. setuid/setgid/sticky bits and group or
//     other write bits are dropped. So the staging umask and the host's
//     permissions never reach the layer;
//   - symlink targets verbatim; a regular file seen again through another
//     hard link (same device and inode) becomes a hardlink entry to the first
//     path in sort order;
//   - entries sorted by path bytes, parents first; restricted pax format.
#ifndef OCIMAKE_LAYER_LAYER_WRITER_H_
#define OCIMAKE_LAYER_LAYER_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "layer/compressor.h"
#include "layer/layer_entries.h"
#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {

struct LayerOptions {
  Compression compression = Compression::kGzip;
  int level = -1;      // -1: DefaultLevel(compression)
  int jobs = 0;        // compression threads; 0: DefaultCompressionJobs(). Never changes the bytes.
  int64_t mtime = 0;   // SOURCE_DATE_EPOCH
  int64_t uid = 0;
  int64_t gid = 0;
  // Called now and then with the number of tar bytes written so far.
  std::function<void(uint64_t)> progress;
};

// Writes the uncompressed tar stream of `entries` (CompleteAndSort()ed, or
// a stream in that order: each entry written as it comes, nothing kept but
// the first path of each multiply linked file).
void WriteLayerTar(const EntryStream& entries, const LayerOptions& options,
                   const ByteSink& sink);
void WriteLayerTar(const std::vector<LayerEntry>& entries, const LayerOptions& options,
                   const ByteSink& sink);

// Writes the layer blob into `layout` and returns its descriptor.
LayerDescriptor WriteLayerBlob(const EntryStream& entries, const LayerOptions& options,
                               const OciLayout& layout);
LayerDescriptor WriteLayerBlob(const std::vector<LayerEntry>& entries,
                               const LayerOptions& options, const OciLayout& layout);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_LAYER_WRITER_H_
