#include "oci/image.h"

#include "base/error.h"
#include "oci/index_walk.h"
#include "oci/oci_json.h"
#include "oci/platform.h"
#include "oci/ref_name.h"

namespace ocimake {

namespace {

// Reads the nested indexes of `layout`, verified against their descriptors.
IndexReader LayoutIndexReader(const OciLayout& layout) {
  return [&layout](const Descriptor& d, const std::string& what) -> std::optional<Index> {
    if (!IsIndexType(d.media_type)) return std::nullopt;
    return ParseIndex(layout.ReadSmallBlob(d), what);
  };
}

}  // namespace

LoadedImage LoadImage(const std::string& layout_dir, const std::string& tag,
                      const Platform& want) {
  LoadedImage img;
  img.layout = std::make_shared<OciLayout>(OciLayout::Open(layout_dir));
  img.name = tag.empty() ? layout_dir : layout_dir + ":" + tag;
  img.manifest_descriptor = WalkFromRoot(img.layout->ReadIndex(), tag, want,
                                         LayoutIndexReader(*img.layout), img.name)
                                .manifest;
  std::string what = img.name + " manifest " + img.manifest_descriptor.digest.str();
  img.manifest = ParseManifest(img.layout->ReadSmallBlob(img.manifest_descriptor), what);
  img.config_descriptor = img.manifest.config;
  what = img.name + " config " + img.config_descriptor.digest.str();
  img.config = ParseImageConfig(img.layout->ReadSmallBlob(img.config_descriptor), what);
  if (img.config.diff_ids.size() != img.manifest.layers.size())
    Fail("{}: config lists {} diff_ids but the manifest {} layers", img.name,
         img.config.diff_ids.size(), img.manifest.layers.size());
  return img;
}

Descriptor FindTagged(const OciLayout& layout, const std::string& tag) {
  std::vector<Descriptor> found = FindNamed(layout.ReadIndex(), tag, layout.dir());
  if (found.empty()) {
    if (tag.empty()) Fail("{}: holds no image", layout.dir());
    Fail("{}: no image tagged '{}'", layout.dir(), tag);
  }
  if (found.size() > 1) {
    if (tag.empty()) Fail("{}: holds {} images; name one with :TAG", layout.dir(), found.size());
    Fail("{}: {} entries are tagged '{}'", layout.dir(), found.size(), tag);
  }
  return found.front();
}

void RequirePlatform(const LoadedImage& image, const Platform& want) {
  Platform have = PlatformOf(image.config);
  if (!PlatformMatches(NormalPlatform(have), NormalPlatform(want)))
    Fail("{}: an image for {} only, not {}", image.name, PlatformString(have),
         PlatformString(want));
}

std::optional<PlatformIndex> TaggedIndex(const OciLayout& layout, const std::string& tag) {
  std::vector<Descriptor> found = FindNamed(layout.ReadIndex(), tag, layout.dir());
  if (found.size() != 1 || !IsIndexType(found.front().media_type)) return std::nullopt;
  PlatformIndex index{found.front(), {}};
  std::string name = tag.empty() ? layout.dir() : layout.dir() + ":" + tag;
  std::string what = name + " index " + index.descriptor.digest.str();
  index.entries = ParseIndex(layout.ReadSmallBlob(index.descriptor), what).manifests;
  return index;
}

std::vector<const HistoryEntry*> LayerHistory(const ImageConfig& config, size_t layers) {
  std::vector<const HistoryEntry*> out;
  for (const auto& h : config.history)
    if (!h.empty_layer && out.size() < layers) out.push_back(&h);
  out.resize(layers, nullptr);
  return out;
}

}  // namespace ocimake
