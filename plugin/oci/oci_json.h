// Canonical JSON for the OCI types: keys sorted, no insignificant white space,
// UTF-8. The same value always gives the same bytes, so the same digest.
// Parsing is strict: size-bounded, duplicate keys and non-UTF-8 rejected, the
// error names the document.
#ifndef OCIMAKE_OCI_OCI_JSON_H_
#define OCIMAKE_OCI_OCI_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

inline constexpr size_t kMaxJsonBytes = 4u << 20;  // manifests, configs, indexes
// The largest "size" a descriptor may give: with at most kMaxJsonBytes of
// descriptors (fewer than 2^16 of them), any sum of sizes stays far below
// 2^63, so no total, progress count or Range offset computed from them can
// overflow.
inline constexpr int64_t kMaxBlobBytes = int64_t{1} << 40;  // 1 TiB

std::string ToJson(const Descriptor& d);
std::string ToJson(const LayerDescriptor& d);
// The layers of one tree split by size (layer/layer_split.h), as a JSON array.
std::string ToJson(const std::vector<LayerDescriptor>& parts);
std::string ToJson(const Manifest& m);
std::string ToJson(const Index& i);
std::string ToJson(const ImageConfig& c);

// One object of `ocimake inspect --files --json` (keys sorted): {"layer",
// "link", "mode", "path", "size", "type"}. Bytes of `path` or `link` that are
// not UTF-8 become U+FFFD.
std::string LayerFileJson(int layer, const std::string& path, const std::string& type,
                          const std::string& mode, int64_t size, const std::string& link);

// `what` names the document in errors ("build/img/index.json").
Descriptor ParseDescriptor(std::string_view text, const std::string& what);
LayerDescriptor ParseLayerDescriptor(std::string_view text, const std::string& what);
// A layer descriptor file: one descriptor, or the array of a split tree's.
std::vector<LayerDescriptor> ParseLayerDescriptors(std::string_view text, const std::string& what);
Manifest ParseManifest(std::string_view text, const std::string& what);
Index ParseIndex(std::string_view text, const std::string& what);
ImageConfig ParseImageConfig(std::string_view text, const std::string& what);
std::string ToJson(const std::vector<DockerArchiveImage>& images);
std::vector<DockerArchiveImage> ParseDockerArchiveManifest(std::string_view text,
                                                           const std::string& what);
// The imageLayoutVersion of a layout's oci-layout file, which must be 1.x.y
// (as umoci checks it): {"imageLayoutVersion": "1.0.0"}.
std::string ParseLayoutVersion(std::string_view text, const std::string& what);
// The "mediaType" of a manifest or index document, or of neither; rejects a
// document that has both "manifests" and "layers" as ambiguous.
std::string SniffMediaType(std::string_view text, const std::string& what);

// Registry documents. Auth files are parsed leniently about keys they do not
// know (docker's config.json holds much else) and strictly about the ones used.
AuthFile ParseAuthFile(std::string_view text, const std::string& what);
// `text` (a docker config.json, "" for none) with auths[key].auth = `auth`,
// every other key kept as it was.
std::string SetAuthFileEntry(std::string_view text, const std::string& key,
                             const std::string& auth, const std::string& what);
TokenResponse ParseTokenResponse(std::string_view text, const std::string& what);
// The reply of `docker-credential-<name> get`: {"Username": .., "Secret": ..}.
Credentials ParseCredentialHelperReply(std::string_view text, const std::string& what);
// "CODE: message" of a registry's {"errors": [...]} body ("; "-joined), or ""
// when the body is not one. Never throws.
std::string DescribeRegistryErrors(std::string_view text);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_OCI_JSON_H_
