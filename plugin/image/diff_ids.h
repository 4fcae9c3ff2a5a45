// A base's rootfs.diff_ids checked against its layers before they go into a
// new image's config: the sha256 of each layer's uncompressed bytes must be
// the diff_id the config declares, whatever the base came from (a layout, an
// oci-archive, a docker-archive, a registry). A checked pair is a fact about
// content (the blob digest fixes the bytes, and so the diff_id), recorded in
// the cache as <cache>/diff_ids/sha256/<blob hex> holding the diff_id, so a
// blob is decompressed once per cache, not once per build.
#ifndef OCIMAKE_IMAGE_DIFF_IDS_H_
#define OCIMAKE_IMAGE_DIFF_IDS_H_

#include <string>

#include "oci/image.h"
#include "oci/oci_layout.h"

namespace ocimake {

// Fails naming the layer when a diff_id is wrong. `blobs` holds the image's
// layers, verified against their digests (the layout they were copied into).
void VerifyDiffIds(const LoadedImage& image, const OciLayout& blobs, const std::string& cache_dir);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_DIFF_IDS_H_
