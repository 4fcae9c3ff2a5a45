// OCI 1.1 artifacts that refer to an image: its SBOM, its provenance. Each is
// an image manifest whose artifactType names the document, whose config is
// the empty descriptor (the two bytes "{}") and whose one layer is the
// document, with `subject` the image's manifest (image-spec manifest.md,
// "Guidelines for Artifact Usage").
//
// In a layout, an artifact is an entry of index.json that carries its
// artifactType and no name; an image's referrers are the entries whose
// manifest's subject is that image (image-layout.md). Such an entry is never
// taken for an image (FindNamed skips it), and OciLayout::Tag keeps the
// artifacts of the image it tags. Artifact entries come after the images,
// ordered by type and digest, so index.json does not depend on which edge
// attached first.
//
// In a registry, the referrers API lists them; a registry without it (404)
// gets the referrers tag schema: an index tagged "sha256-<hex of subject>"
// (distribution-spec, "Referrers Tag Schema"), registry/registry_referrers.h.
#ifndef OCIMAKE_OCI_REFERRERS_H_
#define OCIMAKE_OCI_REFERRERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"

namespace ocimake {

// The empty config of an artifact: "{}" as application/vnd.oci.empty.v1+json.
const Descriptor& EmptyConfig();
inline constexpr char kEmptyConfigBytes[] = "{}";

// The artifact manifest for `document` (a layer descriptor; its title
// annotation names the file) referring to `subject`.
Manifest ArtifactManifest(const std::string& artifact_type, const Descriptor& document,
                          const Descriptor& subject);

// The entry that lists artifact `manifest` (whose descriptor is `d`) in an
// index: media type, digest, size, its artifactType and annotations, as the
// referrers API lists it.
Descriptor ReferrerEntry(const Descriptor& d, const Manifest& manifest);

// Writes `document` as an artifact of `subject` into `layout` and lists it
// in index.json, replacing an artifact of the same type and subject. `title`
// is the document's file name (org.opencontainers.image.title). Returns the
// artifact manifest's descriptor.
Descriptor AttachArtifact(const OciLayout& layout, const Descriptor& subject,
                          const std::string& artifact_type, std::string_view document,
                          const std::string& title);

// The entries of `index` (a layout's index.json) whose artifact manifest
// refers to `subject`, of `artifact_type` unless it is empty.
std::vector<Descriptor> LayoutReferrers(const OciLayout& layout, const Index& index,
                                        const Digest& subject,
                                        const std::string& artifact_type = "");

// Sorts `index`'s entries: images as they were, then artifacts by type and
// digest.
void SortArtifactsLast(Index* index);

// The referrers tag schema's tag for `subject`: "sha256-<hex>".
std::string ReferrersTag(const Digest& subject);

// The largest document ocimake reads back (an SBOM lists every file).
inline constexpr int64_t kMaxDocumentBytes = int64_t{1} << 30;

// An artifact manifest, checked to refer to `subject` and to carry one
// document (its one layer) of at most kMaxDocumentBytes. `what` names it.
struct ArtifactDocument {
  Manifest manifest;
  Descriptor layer;
};
ArtifactDocument ParseArtifact(std::string_view manifest_bytes, const Digest& subject,
                               const std::string& what);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_REFERRERS_H_
