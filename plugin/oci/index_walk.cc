#include "oci/index_walk.h"

#include "base/error.h"
#include "oci/oci_json.h"
#include "oci/platform.h"
#include "oci/ref_name.h"

namespace ocimake {

namespace {

// The entries naming a platform that matches `want`; when there are none,
// the entries naming no platform.
std::vector<Descriptor> ForPlatform(const std::vector<Descriptor>& entries, const Platform& want) {
  std::vector<Descriptor> matching, unnamed;
  for (const auto& e : entries) {
    if (!e.platform) unnamed.push_back(e);
    else if (PlatformMatches(*e.platform, want)) matching.push_back(e);
  }
  return matching.empty() ? unnamed : matching;
}

[[noreturn]] void FailNoPlatform(const std::vector<Descriptor>& entries, const Platform& want,
                                 const std::string& what) {
  std::string list;
  for (const auto& e : entries)
    if (e.platform) list += (list.empty() ? "" : ", ") + PlatformString(*e.platform);
  Fail("{}: no image for platform {} (the index has: {})", what, PlatformString(want),
       list.empty() ? "none with a platform" : list);
}

void CheckDepth(int depth, const std::string& what) {
  if (depth >= kMaxIndexDepth) Fail("{}: indexes nested deeper than {}", what, kMaxIndexDepth);
}

}  // namespace

bool IsIndexType(const std::string& media_type) {
  return media_type == media_type::kOciIndex || media_type == media_type::kDockerManifestList;
}

Descriptor PickEntry(const Index& index, const IndexQuery& query, const std::string& what) {
  std::vector<Descriptor> tagged = query.root ? FindNamed(index, query.tag, what) : index.manifests;
  if (tagged.empty()) {
    if (query.root && !query.tag.empty()) Fail("{}: no image tagged '{}'", what, query.tag);
    if (query.root) Fail("{}: holds no image", what);
  }
  std::vector<Descriptor> candidates = ForPlatform(tagged, query.want);
  if (candidates.empty()) FailNoPlatform(tagged, query.want, what);
  if (candidates.size() > 1 && query.root && query.tag.empty())
    Fail("{}: holds {} images; name one with :TAG", what, candidates.size());
  return candidates.front();
}

WalkResult WalkToManifest(const Descriptor& top, const Platform& want, const IndexReader& read,
                          const std::string& what) {
  WalkResult out{top, top.platform};
  for (int depth = 0;; ++depth) {
    std::string here = what + " index " + out.manifest.digest.str();
    std::optional<Index> index = read(out.manifest, here);
    if (!index) return out;
    CheckDepth(depth, here);
    out.manifest = PickEntry(*index, IndexQuery{"", want, false}, here);
    if (out.manifest.platform) out.platform = out.manifest.platform;
  }
}

WalkResult WalkFromRoot(const Index& root, const std::string& tag, const Platform& want,
                        const IndexReader& read, const std::string& what) {
  return WalkToManifest(PickEntry(root, IndexQuery{tag, want, true}, what), want, read, what);
}

void VisitTree(const Descriptor& top, const BlobReader& read, const NodeVisitor& visit,
               const std::string& what) {
  // Depth-first with an explicit depth, children visited before their index.
  std::function<void(const Descriptor&, int)> visit_at = [&](const Descriptor& d, int depth) {
    std::string here = what + " " + d.digest.str();
    TreeNode node{d, read(d), std::nullopt};
    std::string sniffed = SniffMediaType(node.body, here);
    if (!sniffed.empty()) node.descriptor.media_type = sniffed;
    if (IsIndexType(node.descriptor.media_type)) {
      CheckDepth(depth, here);
      for (const auto& child : ParseIndex(node.body, here).manifests) visit_at(child, depth + 1);
    } else {
      node.manifest = ParseManifest(node.body, here);
    }
    visit(node);
  };
  visit_at(top, 0);
}

}  // namespace ocimake
