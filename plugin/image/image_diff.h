// Comparing two images the way diffoci does, to say where a build is not
// reproducible: the config (every field but rootfs.diff_ids, which the
// layers decide), the manifest's own fields (annotations, media types; not
// its digests), the number of layers, then each pair of layers entry by
// entry in tar order: path, type, mode, uid/gid, mtime, link target, size
// and the sha256 of the content. Only the FIRST difference is reported, as
// one line: "config: .config.Env[1] differs (\"A=1\" vs \"A=2\")",
// "layer 2 (ocimake: install tree of app): usr/local/bin/app: content
// differs (sha256:ab12… vs sha256:cd34…)". Two images whose manifest
// digests differ always get a line (at worst "layer 2: tar bytes differ").
// Layer blobs are read as streams (layer/layer_reader.h), never unpacked.
#ifndef OCIMAKE_IMAGE_IMAGE_DIFF_H_
#define OCIMAKE_IMAGE_IMAGE_DIFF_H_

#include <optional>
#include <string>
#include <vector>

#include "oci/image.h"

namespace ocimake {

// The first difference between two JSON documents, as "<path> differs
// (<a> vs <b>)", "<path> only in A" or "... only in B" (paths jq-style:
// ".config.Env[1]"), skipping the paths in `ignore`; nullopt when equal.
std::optional<std::string> JsonDifference(const std::string& json_a, const std::string& json_b,
                                          const std::vector<std::string>& ignore = {});

// The first difference between the entries of two layer tars (any
// compression): "<path>: mode differs (0755 vs 0700)", "<path>: only in A",
// "<path>: content differs (sha256:.. vs sha256:..)"; nullopt when every
// entry matches.
std::optional<std::string> LayerTarDifference(const std::string& tar_a, const std::string& tar_b);

// The first difference between two single-platform images; nullopt when
// their manifests are the same document.
std::optional<std::string> ImageDifference(const LoadedImage& a, const LoadedImage& b);

// The first difference between two multi-platform images' platform lists
// ("platforms differ (linux/amd64 linux/arm64 vs linux/amd64)"); nullopt
// when they list the same platforms in the same order.
std::optional<std::string> PlatformListDifference(const PlatformIndex& a, const PlatformIndex& b);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_IMAGE_DIFF_H_
