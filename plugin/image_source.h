// Reading an image: a manifest picked from a layout's index.json (by tag, or
// the only one, descending into a nested index for the wanted platform), its
// config, and where its blobs live. Every document is verified against its
// descriptor as it is read.
#ifndef OCIMAKE_IMAGE_SOURCE_H_
#define OCIMAKE_IMAGE_SOURCE_H_

#include <memory>
#include <string>

#include "oci_layout.h"
#include "oci_types.h"

namespace ocimake {

struct LoadedImage {
  std::shared_ptr<OciLayout> layout;
  std::string name;  // for messages and annotations ("build/base:1.0")
  Descriptor manifest_descriptor;
  Manifest manifest;
  Descriptor config_descriptor;
  ImageConfig config;
};

// `want` may leave fields empty to accept any value.
LoadedImage LoadImage(const std::string& layout_dir, const std::string& tag,
                      const Platform& want);

// The platform of this machine as OCI names it (linux/amd64, linux/arm64...).
Platform HostPlatform();

// A base or source given on the command line: "scratch", an OCI layout
// directory with an optional ":tag", or an oci-archive / docker-archive file.
struct SourceSpec {
  enum Kind { kScratch, kLayout, kArchive } kind = kScratch;
  std::string path;
  std::string tag;
};
SourceSpec ParseSourceSpec(const std::string& text);

// Opens any SourceSpec as a LoadedImage; an archive is imported into a temp
// layout under `scratch_dir` (kept alive by the returned holder).
struct OpenedSource {
  std::shared_ptr<void> holder;
  LoadedImage image;
};
OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_SOURCE_H_
