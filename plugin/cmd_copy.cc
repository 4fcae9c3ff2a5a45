#include <iostream>

#include "archive_export.h"
#include "cli.h"
#include "error.h"
#include "fs_util.h"
#include "image_source.h"
#include "oci_json.h"

namespace ocimake {

namespace {

struct Location {
  std::string transport;  // oci, oci-archive, docker-archive
  std::string path;
  std::string tag;
};

Location ParseLocation(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos)
    Fail("'{}': expected TRANSPORT:PATH (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE)",
         text);
  Location l{text.substr(0, colon), text.substr(colon + 1), ""};
  if (l.transport != "oci" && l.transport != "oci-archive" && l.transport != "docker-archive")
    Fail("'{}': unknown transport '{}' (expected oci, oci-archive or docker-archive)", text,
         l.transport);
  if (l.transport == "oci") {
    auto tag_colon = l.path.find(':');
    if (tag_colon != std::string::npos) {
      l.tag = l.path.substr(tag_colon + 1);
      l.path = l.path.substr(0, tag_colon);
    }
  }
  if (l.path.empty()) Fail("'{}': empty path", text);
  return l;
}

// Copies every blob of `image` into `out` (verified) and tags it.
Descriptor CopyIntoLayout(const LoadedImage& image, const OciLayout& out, const std::string& tag) {
  out.CopyBlobFrom(*image.layout, image.config_descriptor);
  for (const auto& l : image.manifest.layers) out.CopyBlobFrom(*image.layout, l);
  out.CopyBlobFrom(*image.layout, image.manifest_descriptor);
  Descriptor md = image.manifest_descriptor;
  md.annotations.clear();
  if (!tag.empty()) md.annotations[kRefNameAnnotation] = tag;
  out.UpdateIndex([&](Index* index) {
    std::vector<Descriptor> kept;
    for (auto& m : index->manifests) {
      auto it = m.annotations.find(kRefNameAnnotation);
      if ((it == m.annotations.end() ? "" : it->second) != tag) kept.push_back(m);
    }
    kept.push_back(md);
    index->manifests = kept;
  });
  return md;
}

}  // namespace

int RunCopy(const Args& args) {
  CLI::App app{
      "Copies an image between an OCI layout, an oci-archive and a docker-archive,\n"
      "verifying every blob. Prints the manifest digest.\n\n"
      "  ocimake copy docker-archive:app.tar oci:build/base:app\n"
      "  ocimake copy oci:build/hello-image:hello:1.0 oci-archive:hello.oci.tar",
      "copy"};
  std::string from, to;
  app.add_option("source", from, "oci:DIR[:TAG], oci-archive:FILE or docker-archive:FILE")
      ->required();
  app.add_option("destination", to, "oci:DIR[:TAG], oci-archive:FILE or docker-archive:FILE")
      ->required();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  Location src = ParseLocation(from), dst = ParseLocation(to);
  std::string scratch = DirName(AbsolutePath(dst.path));
  SourceSpec spec{src.transport == "oci" ? SourceSpec::kLayout : SourceSpec::kArchive, src.path,
                  src.tag};
  OpenedSource source = WithContext(from, [&] { return OpenSource(spec, HostPlatform(), scratch); });
  Descriptor md;
  if (dst.transport == "oci") {
    std::string tag = dst.tag;
    if (tag.empty()) {
      auto it = source.image.manifest_descriptor.annotations.find(kRefNameAnnotation);
      if (it != source.image.manifest_descriptor.annotations.end()) tag = it->second;
    }
    md = CopyIntoLayout(source.image, OciLayout::Create(dst.path), tag);
  } else {
    ExportArchive(source.image, ParseArchiveFormat(dst.transport), "", dst.path);
    md = source.image.manifest_descriptor;
  }
  std::cout << md.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
