// Reading an image: a manifest picked from a layout's index.json (by tag, or
// the only one, descending into a nested index for the wanted platform), its
// config, and where its blobs live. Every document is verified against its
// descriptor as it is read.
#ifndef OCIMAKE_IMAGE_SOURCE_H_
#define OCIMAKE_IMAGE_SOURCE_H_

#include <memory>
#include <string>
#include <utility>

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

// "<layout-dir>[:tag]" split at the first ':' whose prefix is a directory
// ("build/img:hello:1.0" -> "build/img", "hello:1.0"); fails when none is.
std::pair<std::string, std::string> SplitLayoutTag(const std::string& text);
// The index.json entry of `layout` tagged `tag` (a manifest or an index, not
// descended into), or its only entry when `tag` is empty.
Descriptor FindTagged(const OciLayout& layout, const std::string& tag);

// The platform of this machine as OCI names it (linux/amd64, linux/arm64...).
Platform HostPlatform();
// True when `have` is what `want` asks for (an empty field of `want`: any).
bool PlatformMatches(const Platform& have, const Platform& want);

// A base or source given on the command line: "scratch", an OCI layout
// directory with an optional ":tag", an oci-archive / docker-archive file, or
// a registry reference ("127.0.0.1:5000/base:1.0", "ghcr.io/o/app@sha256:..":
// not an existing path, and the first component names a host).
struct SourceSpec {
  enum Kind { kScratch, kLayout, kArchive, kRegistry } kind = kScratch;
  std::string path;  // kRegistry: the reference
  std::string tag;
};
SourceSpec ParseSourceSpec(const std::string& text);

// Opens any SourceSpec as a LoadedImage; an archive is imported into a temp
// layout under `scratch_dir` (kept alive by the returned holder); a registry
// reference is pulled into the cache (registry_pull.h: $OCIMAKE_CACHE_DIR,
// registry options from the environment unless given) and read from there.
struct OpenedSource {
  std::shared_ptr<void> holder;
  LoadedImage image;
};
struct RegistryOptions;
OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir,
                        const RegistryOptions* registry = nullptr);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_SOURCE_H_
