// Assembling an image: pure transforms from (base, layers, settings) to a
// config and a manifest, in the manner of go-containerregistry's mutate, and
// the one function that writes the result into a layout.
#ifndef OCIMAKE_IMAGE_IMAGE_BUILDER_H_
#define OCIMAKE_IMAGE_IMAGE_BUILDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/image_settings.h"
#include "oci/image.h"
#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {

// The PATH an image gets when neither its base nor ENV sets one (Docker's).
inline constexpr char kDefaultPath[] =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The base's config with the user's settings applied (Docker's rules: ENV
// replaces by key, a new ENTRYPOINT clears an inherited CMD, ports, volumes
// and labels merge), PATH, os and architecture defaulted, the user too
// (nonroot, 65532:65532, unless USER or the base names one: RuntimeUser),
// created = epoch.
ImageConfig WithSettings(ImageConfig config, const ImageSettings& settings, int64_t epoch,
                         const Platform& host);
// Appends a layer: its diff_id to rootfs and one history entry.
ImageConfig AppendLayer(ImageConfig config, const LayerDescriptor& layer, int64_t epoch);

struct ImageRequest {
  std::optional<LoadedImage> base;
  std::vector<LayerDescriptor> layers;
  // Where the layers' blobs are (`ocimake layer --layout`); none: already in
  // the output layout.
  std::optional<OciLayout> layer_store;
  ImageSettings settings;
  int64_t epoch = 0;
  // The layout is the build's own: index.json is left holding this image
  // only, and blobs of earlier builds are removed.
  bool prune = false;
  // The image's platform: the config's os, architecture and variant, over
  // the settings' (none: the settings', else the base's, else the host's).
  std::optional<Platform> platform;
  // Write the blobs only and leave index.json alone: one platform of a
  // multi-platform image, which WriteIndex tags.
  bool untagged = false;
  // Where the base's checked diff_ids are recorded (image/diff_ids.h);
  // empty: DefaultCacheDir().
  std::string cache_dir;
};

// Copies the base's blobs (verified) and checks its diff_ids, writes config and manifest, and tags
// the manifest in index.json (replacing an entry with the same tag). Returns
// the manifest descriptor.
Descriptor WriteImage(const OciLayout& out, const ImageRequest& request);

// Writes an image index of `manifests` (image manifests in `from`, the
// layout `ocimake image --untagged` wrote them into; each given the platform
// of its config), in this order, into `out` with their blobs (hard links
// where it can), and tags it as WriteImage tags a manifest. Fails, leaving
// `out` as it was, when two manifests have one platform. Returns the index
// descriptor.
Descriptor WriteIndex(const OciLayout& out, const OciLayout& from,
                      const std::vector<Digest>& manifests, const std::string& tag, bool prune);

// Copies every blob of `image` into `out` (verified) and tags its manifest
// `tag` there (replacing an entry of that tag; "" tags none). Returns the
// manifest descriptor as index.json now holds it. `link`: the image's layout
// holds blobs verified just now (the pull cache): each is hard-linked where
// both are on one file system (OciLayout::LinkBlobFrom), else copied.
Descriptor CopyImage(const LoadedImage& image, const OciLayout& out, const std::string& tag,
                     bool link = false);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_IMAGE_BUILDER_H_
