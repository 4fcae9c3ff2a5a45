// Reading an image: a manifest picked from a layout's index.json (by tag, or
// the only one, descending into a nested index for the wanted platform), its
// config, and where its blobs live. Every document is verified against its
// descriptor as it is read.
#ifndef OCIMAKE_SOURCE_IMAGE_SOURCE_H_
#define OCIMAKE_SOURCE_IMAGE_SOURCE_H_

#include <memory>
#include <string>
#include <utility>

#include "oci/image.h"
#include "oci/oci_types.h"
#include "oci/platform.h"

namespace ocimake {

// "<layout-dir>[:tag]" split at the first ':' whose prefix is a directory
// ("build/img:hello:1.0" -> "build/img", "hello:1.0"); fails when none is.
std::pair<std::string, std::string> SplitLayoutTag(const std::string& text);
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

#endif  // OCIMAKE_SOURCE_IMAGE_SOURCE_H_
