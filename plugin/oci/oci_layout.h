// An OCI image layout directory (oci-layout, index.json, blobs/sha256/...).
// Blobs are content-addressed and written atomically; reading a blob checks
// its size and digest as the bytes stream; index.json is updated
// read-modify-write under a lock so concurrent taggers do not lose entries.
#ifndef OCIMAKE_OCI_OCI_LAYOUT_H_
#define OCIMAKE_OCI_OCI_LAYOUT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/fs_util.h"
#include "oci/oci_types.h"

namespace ocimake {

using ByteSink = std::function<void(const char* data, size_t size)>;

// Streams bytes into a temp file inside the layout's blob directory while
// hashing them; Commit() names the blob by its digest.
class BlobWriter {
 public:
  explicit BlobWriter(const std::string& blob_dir);
  void Write(const char* data, size_t size);
  // Publishes the blob under its digest. When `expected` is given, a digest
  // or size mismatch fails and nothing is committed.
  Descriptor Commit(const std::string& media_type, const Descriptor* expected = nullptr);
  uint64_t bytes() const { return hash_.bytes(); }

 private:
  std::string blob_dir_;
  std::unique_ptr<AtomicFile> file_;
  Sha256 hash_;
};

class OciLayout {
 public:
  // Opens an existing layout; fails when `dir` has no oci-layout file.
  static OciLayout Open(const std::string& dir);
  // Opens or initialises a layout (oci-layout, empty index.json, blobs/).
  static OciLayout Create(const std::string& dir);
  static bool IsLayout(const std::string& dir);

  const std::string& dir() const { return dir_; }
  std::string BlobPath(const Digest& d) const;
  bool HasBlob(const Digest& d) const;
  std::unique_ptr<BlobWriter> NewBlobWriter() const;
  Descriptor WriteBlob(std::string_view bytes, const std::string& media_type) const;

  // Streams a blob to `sink`, failing on a size or digest mismatch (after
  // the sink has seen the bytes: callers that commit wait for the end).
  void ReadBlob(const Descriptor& d, const ByteSink& sink) const;
  // Reads a small blob (manifest, config) whole, verified.
  std::string ReadSmallBlob(const Descriptor& d) const;
  // Copies a blob from another layout, verifying as it goes. An existing blob
  // here is verified, and rewritten when corrupt.
  void CopyBlobFrom(const OciLayout& src, const Descriptor& d) const;
  // Brings a blob of a layout this process trusts (the build's own layer
  // store) here: a hard link when both are on one file system, else a
  // verified copy. An existing blob of the right size is kept.
  void LinkBlobFrom(const OciLayout& store, const Descriptor& d) const;
  // True when the blob exists here with the right size and digest.
  bool VerifyBlob(const Descriptor& d) const;

  Index ReadIndex() const;
  // Locks the layout, reads index.json, lets `mutate` change it, writes it
  // back atomically. With `prune`, blobs no longer reachable from it are
  // removed: meant for a layout one writer owns (a build's image layout). A
  // process that writes a blob or tags here holds the layout's writers' lock
  // (.ocimake-writers.lock) shared until it exits, and the prune is skipped
  // while another process holds it: a concurrent writer's blobs are not
  // reachable until it tags them.
  void UpdateIndex(const std::function<void(Index*)>& mutate, bool prune = false) const;
  // Tags `manifest` in index.json (as oci/ref_name.h writes a name; none
  // when empty), replacing an entry of the same name in either form. With `exclusive`
  // the layout is the build's own: it is left holding this image only (and
  // the artifacts attached to it or to a manifest of its index,
  // oci/referrers.h), and blobs of earlier builds are removed. Returns the
  // descriptor as tagged.
  Descriptor Tag(Descriptor manifest, const std::string& tag, bool exclusive = false) const;
  // The subject of an artifact entry of index.json (oci/referrers.h);
  // nullopt for an image, or an artifact whose manifest is missing here.
  std::optional<Digest> SubjectOf(const Descriptor& entry) const;

  // Takes the writers' lock shared until the process exits, as writing a
  // blob does: a process reading a layout others prune (the cache's oci/)
  // keeps the blobs it reads.
  void HoldWritersLock() const;
  // Removes the entries of index.json that `drop` selects, then the blobs
  // no longer reachable, all while holding the writers' lock exclusive.
  // Returns false, having changed nothing, when another process holds it.
  bool PruneEntries(const std::function<bool(const Descriptor&)>& drop) const;
  // The hex digests reachable from `index`; nullopt when a manifest on the
  // way cannot be read.
  std::optional<std::set<std::string>> ReachableBlobs(const Index& index) const;

 private:
  explicit OciLayout(std::string dir) : dir_(std::move(dir)) {}
  void RemoveUnreachableBlobs(const Index& index) const;
  // The digests of `top` and of every manifest and index below it.
  std::set<std::string> TreeDigests(const Descriptor& top) const;
  std::string dir_;
};

}  // namespace ocimake

#endif  // OCIMAKE_OCI_OCI_LAYOUT_H_
