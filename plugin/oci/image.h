// An image read from an OCI layout: a manifest picked from index.json (by
// tag, or the only one, descending into a nested index for the wanted
// platform), its config, and the layout its blobs live in. Every document is
// verified against its descriptor as it is read.
#ifndef OCIMAKE_OCI_IMAGE_H_
#define OCIMAKE_OCI_IMAGE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {

struct LoadedImage {
  std::shared_ptr<OciLayout> layout;
  std::string name;  // for messages and annotations ("build/base:1.0")
  Descriptor manifest_descriptor;
  Manifest manifest;
  Descriptor config_descriptor;
  ImageConfig config;
};

// `want` may leave fields empty to accept any value.
LoadedImage LoadImage(const std::string& layout_dir, const std::string& tag,
                      const Platform& want);

// Fails when `image`'s config is not for `want` (a single-platform image
// picked where a platform was asked for): "<name>: an image for linux/amd64
// only, not linux/arm64".
void RequirePlatform(const LoadedImage& image, const Platform& want);

// The index.json entry of `layout` tagged `tag` (a manifest or an index, not
// descended into), or its only entry when `tag` is empty.
Descriptor FindTagged(const OciLayout& layout, const std::string& tag);

// The history entry of each of `layers` layers (entries marked empty_layer
// describe no layer); nullptr where the history is shorter than that.
std::vector<const HistoryEntry*> LayerHistory(const ImageConfig& config, size_t layers);

// A multi-platform image: the index a tag names and its entries.
struct PlatformIndex {
  Descriptor descriptor;
  std::vector<Descriptor> entries;  // one per platform, in the index's order
};
// The index `tag` names in `layout` (its only entry when `tag` is empty),
// read and verified; nullopt when that is an image manifest or when not
// exactly one entry is tagged so.
std::optional<PlatformIndex> TaggedIndex(const OciLayout& layout, const std::string& tag);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_IMAGE_H_
