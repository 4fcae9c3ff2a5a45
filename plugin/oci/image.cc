#include "oci/image.h"

#include "base/error.h"
#include "oci/oci_json.h"
#include "oci/platform.h"

namespace ocimake {

namespace {

constexpr int kMaxIndexDepth = 4;

bool IsIndexType(const std::string& mt) {
  return mt == media_type::kOciIndex || mt == media_type::kDockerManifestList;
}

Descriptor PickFromIndex(const OciLayout& layout, const Index& index, const std::string& tag,
                         const Platform& want, const std::string& what, int depth) {
  if (depth > kMaxIndexDepth) Fail("{}: indexes nested deeper than {}", what, kMaxIndexDepth);
  std::vector<Descriptor> candidates;
  for (const auto& m : index.manifests) {
    if (!tag.empty() && depth == 0) {
      auto it = m.annotations.find(kRefNameAnnotation);
      if (it == m.annotations.end() || it->second != tag) continue;
    }
    if (m.platform && !PlatformMatches(*m.platform, want)) continue;
    candidates.push_back(m);
  }
  if (candidates.empty()) {
    if (!tag.empty() && depth == 0) Fail("{}: no image tagged '{}'", what, tag);
    Fail("{}: no image for platform {}/{}", what, want.os, want.architecture);
  }
  if (candidates.size() > 1 && depth == 0 && tag.empty())
    Fail("{}: holds {} images; name one with :TAG", what, candidates.size());
  Descriptor d = candidates.front();
  if (IsIndexType(d.media_type)) {
    std::string text = layout.ReadSmallBlob(d);
    return PickFromIndex(layout, ParseIndex(text, what + " " + d.digest.str()), "", want, what,
                         depth + 1);
  }
  return d;
}

}  // namespace

LoadedImage LoadImage(const std::string& layout_dir, const std::string& tag,
                      const Platform& want) {
  LoadedImage img;
  img.layout = std::make_shared<OciLayout>(OciLayout::Open(layout_dir));
  img.name = tag.empty() ? layout_dir : layout_dir + ":" + tag;
  img.manifest_descriptor =
      PickFromIndex(*img.layout, img.layout->ReadIndex(), tag, want, img.name, 0);
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
  std::vector<Descriptor> found;
  for (const auto& m : layout.ReadIndex().manifests) {
    auto it = m.annotations.find(kRefNameAnnotation);
    if (tag.empty() || (it != m.annotations.end() && it->second == tag)) found.push_back(m);
  }
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

}  // namespace ocimake
