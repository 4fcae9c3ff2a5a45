#include "archive/archive_export.h"

#include "base/error.h"
#include "base/fs_util.h"
#include "layer/layer_writer.h"
#include "oci/image.h"
#include "oci/oci_json.h"
#include "oci/ref_name.h"

namespace ocimake {

ArchiveFormat ParseArchiveFormat(const std::string& name) {
  if (name == "docker-archive" || name == "docker") return ArchiveFormat::kDocker;
  if (name == "oci-archive" || name == "oci") return ArchiveFormat::kOci;
  Fail("unknown archive format '{}': expected docker-archive or oci-archive", name);
}

namespace {

std::string DockerRepoTag(const std::string& ref) {
  if (ref.empty()) return "";
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? ref : ref + ":latest";
}

}  // namespace

namespace {

// The archive's index.json: the one manifest, tagged `tag` (if any).
std::string ArchiveIndexJson(const LoadedImage& image, const std::string& tag) {
  Descriptor md = image.manifest_descriptor;
  md.annotations.clear();
  SetRefName(&md, tag);
  Index index;
  index.manifests.push_back(md);
  return ToJson(index);
}

// docker load's manifest.json for the same blobs.
std::string DockerManifestJson(const LoadedImage& image, const std::string& tag) {
  DockerArchiveImage d;
  d.config = "blobs/sha256/" + image.config_descriptor.digest.hex();
  // RepoTags name a tag: a reference pinned by digest alone gives none.
  if (!tag.empty() && tag.find('@') == std::string::npos)
    d.repo_tags.push_back(FamiliarName(DockerRepoTag(tag)));
  for (const auto& l : image.manifest.layers) d.layers.push_back("blobs/sha256/" + l.digest.hex());
  return ToJson(std::vector<DockerArchiveImage>{d});
}

}  // namespace

void ExportArchive(const LoadedImage& image, ArchiveFormat format, const std::string& repo_tag,
                   const std::string& file) {
  const OciLayout& src = *image.layout;
  TempDir temp(DirName(AbsolutePath(file)), ".ocimake-export-");
  std::vector<LayerEntry> entries;
  auto add_file = [&](const std::string& name, const std::string& content) {
    std::string path = JoinPath(temp.path(), name);
    WriteFileAtomic(path, content);
    entries.push_back({name, path});
  };
  auto add_blob = [&](const Descriptor& d) {
    // Verify before shipping: a corrupt blob in the layout must not leave.
    if (!src.VerifyBlob(d))
      Fail("{}: blob {} is missing or does not match its digest", src.dir(), d.digest.str());
    entries.push_back({"blobs/sha256/" + d.digest.hex(), src.BlobPath(d.digest)});
  };
  std::string tag = repo_tag.empty() ? RefNameText(image.manifest_descriptor) : repo_tag;
  add_blob(image.manifest_descriptor);
  add_blob(image.config_descriptor);
  for (const auto& l : image.manifest.layers) add_blob(l);
  add_file("index.json", ArchiveIndexJson(image, tag));
  add_file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  if (format == ArchiveFormat::kDocker) add_file("manifest.json", DockerManifestJson(image, tag));
  entries = CompleteAndSort(std::move(entries));
  LayerOptions options;
  options.compression = Compression::kNone;
  AtomicFile out(file);
  WriteLayerTar(entries, options, [&](const char* p, size_t n) { out.Write(p, n); });
  out.Commit();
}

}  // namespace ocimake
