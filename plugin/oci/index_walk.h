// The walk from an index down to image manifests, written once for every
// reader of one: a layout's index.json, an oci-archive's, a registry's index
// or manifest list, and a push that sends a whole tree.
//
// - PickEntry chooses one entry of an index: by name or tag (only in a
//   layout's index.json, matched as oci/ref_name.h says: a tag alone that two
//   names share is an error naming both), then by platform: the entries
//   whose platform matches `want`, or, when none does, the entries that name
//   no platform. None left: an error naming the tag or the platforms
//   offered. More than one left in index.json with no tag asked for:
//   ambiguous, an error; anywhere else the first is taken.
// - WalkToManifest descends from a descriptor through nested indexes, each
//   read by a callback, to the one manifest for `want`.
// - VisitTree reads a descriptor and, when it names an index, everything
//   below it, children before their index (the order a registry takes them).
// A chain of kMaxIndexDepth indexes (index.json not counted) is read; one
// more fails: "<document>: indexes nested deeper than 4".
#ifndef OCIMAKE_OCI_INDEX_WALK_H_
#define OCIMAKE_OCI_INDEX_WALK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

inline constexpr int kMaxIndexDepth = 4;

// An OCI image index or a Docker manifest list.
bool IsIndexType(const std::string& media_type);

struct IndexQuery {
  std::string tag;    // root only; empty: any
  Platform want;      // an empty field: any value
  bool root = false;  // a layout's index.json (see the contract above)
};
// `what` names the index in messages ("build/img:1.0", "ref index sha256:..").
Descriptor PickEntry(const Index& index, const IndexQuery& query, const std::string& what);

// Reads the document `d` names: its index when it is one, nullopt when it is
// an image manifest. `what` names it for messages ("<what> index <digest>").
using IndexReader =
    std::function<std::optional<Index>(const Descriptor& d, const std::string& what)>;

struct WalkResult {
  Descriptor manifest;
  std::optional<Platform> platform;  // of the last entry chosen that names one
};
// From `top` (a manifest or an index) to a manifest for `want`.
WalkResult WalkToManifest(const Descriptor& top, const Platform& want, const IndexReader& read,
                          const std::string& what);
// From a layout's index.json: the entry for `tag` and `want`, then down.
WalkResult WalkFromRoot(const Index& root, const std::string& tag, const Platform& want,
                        const IndexReader& read, const std::string& what);

// One document of a tree: its descriptor (the media type the document states,
// else the one it was referred to by), its bytes, and when it is an image
// manifest, the manifest.
struct TreeNode {
  Descriptor descriptor;
  std::string body;
  std::optional<Manifest> manifest;
};
using BlobReader = std::function<std::string(const Descriptor& d)>;
using NodeVisitor = std::function<void(const TreeNode& node)>;
// Visits `top` and everything below it, children first. Messages name a
// document "<what> <digest>".
void VisitTree(const Descriptor& top, const BlobReader& read, const NodeVisitor& visit,
               const std::string& what);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_INDEX_WALK_H_
