#include "oci/referrers.h"

#include <algorithm>
#include <tuple>

#include "base/error.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

constexpr char kTitleAnnotation[] = "org.opencontainers.image.title";

// A subject as an artifact names it: media type, digest and size only.
Descriptor SubjectDescriptor(const Descriptor& d) {
  Descriptor s;
  s.media_type = d.media_type;
  s.digest = d.digest;
  s.size = d.size;
  return s;
}

}  // namespace

const Descriptor& EmptyConfig() {
  static const Descriptor kEmpty = [] {
    Descriptor d;
    d.media_type = media_type::kOciEmpty;
    d.digest = Digest::Of(kEmptyConfigBytes);
    d.size = 2;
    return d;
  }();
  return kEmpty;
}

Manifest ArtifactManifest(const std::string& artifact_type, const Descriptor& document,
                          const Descriptor& subject) {
  Manifest m;
  m.artifact_type = artifact_type;
  m.config = EmptyConfig();
  m.layers = {document};
  m.subject = SubjectDescriptor(subject);
  return m;
}

Descriptor ReferrerEntry(const Descriptor& d, const Manifest& manifest) {
  Descriptor e = SubjectDescriptor(d);
  e.artifact_type = manifest.artifact_type;
  e.annotations = manifest.annotations;
  return e;
}

void SortArtifactsLast(Index* index) {
  std::stable_sort(index->manifests.begin(), index->manifests.end(),
                   [](const Descriptor& a, const Descriptor& b) {
                     bool a_art = !a.artifact_type.empty(), b_art = !b.artifact_type.empty();
                     if (!a_art || !b_art) return !a_art && b_art;
                     return std::tie(a.artifact_type, a.digest.hex()) <
                            std::tie(b.artifact_type, b.digest.hex());
                   });
}

Descriptor AttachArtifact(const OciLayout& layout, const Descriptor& subject,
                          const std::string& artifact_type, std::string_view document,
                          const std::string& title) {
  Descriptor layer = layout.WriteBlob(document, artifact_type);
  layer.annotations[kTitleAnnotation] = title;
  layout.WriteBlob(kEmptyConfigBytes, media_type::kOciEmpty);
  Manifest manifest = ArtifactManifest(artifact_type, layer, subject);
  Descriptor md = layout.WriteBlob(ToJson(manifest), media_type::kOciManifest);
  layout.UpdateIndex([&](Index* index) {
    std::vector<Descriptor> kept;
    for (const auto& e : index->manifests) {
      bool replaced = e.artifact_type == artifact_type &&
                      layout.SubjectOf(e) == std::optional<Digest>(subject.digest);
      if (!replaced && e.digest != md.digest) kept.push_back(e);
    }
    kept.push_back(ReferrerEntry(md, manifest));
    index->manifests = std::move(kept);
    SortArtifactsLast(index);
  });
  return md;
}

std::vector<Descriptor> LayoutReferrers(const OciLayout& layout, const Index& index,
                                        const Digest& subject, const std::string& artifact_type) {
  std::vector<Descriptor> out;
  for (const auto& e : index.manifests) {
    if (e.artifact_type.empty()) continue;
    if (!artifact_type.empty() && e.artifact_type != artifact_type) continue;
    if (layout.SubjectOf(e) == std::optional<Digest>(subject)) out.push_back(e);
  }
  return out;
}

std::string ReferrersTag(const Digest& subject) { return "sha256-" + subject.hex(); }

ArtifactDocument ParseArtifact(std::string_view manifest_bytes, const Digest& subject,
                               const std::string& what) {
  ArtifactDocument a{ParseManifest(manifest_bytes, what), {}};
  if (!a.manifest.subject || a.manifest.subject->digest != subject)
    Fail("{}: expected an artifact whose subject is {}", what, subject.str());
  if (a.manifest.layers.size() != 1)
    Fail("{}: expected one layer (the document), found {}", what, a.manifest.layers.size());
  a.layer = a.manifest.layers.front();
  if (a.layer.size > static_cast<int64_t>(kMaxDocumentBytes))
    Fail("{}: the document is {} bytes, more than the limit of {}", what, a.layer.size,
         kMaxDocumentBytes);
  return a;
}

}  // namespace ocimake
