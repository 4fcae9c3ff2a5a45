#include "image_source.h"

#include <sys/utsname.h>

#include "archive_import.h"
#include "error.h"
#include "fs_util.h"
#include "image_reference.h"
#include "oci_json.h"
#include "registry_cache.h"
#include "rootfs_unpacker.h"
#include "registry_client.h"
#include "registry_pull.h"

namespace ocimake {

namespace {

constexpr int kMaxIndexDepth = 4;

bool IsIndexType(const std::string& mt) {
  return mt == media_type::kOciIndex || mt == media_type::kDockerManifestList;
}

Descriptor PickFromIndex(const OciLayout& layout, const Index& index, const std::string& tag,
                         const Platform& want, const std::string& what, int depth) {
  if (depth > kMaxIndexDepth) Fail("{}: indexes nested deeper than {}", what, kMaxIndexDepth);
  std::vector<Descriptor> candidates;
  for (const auto& m : index.manifests) {
    if (!tag.empty() && depth == 0) {
      auto it = m.annotations.find(kRefNameAnnotation);
      if (it == m.annotations.end() || it->second != tag) continue;
    }
    if (m.platform && !PlatformMatches(*m.platform, want)) continue;
    candidates.push_back(m);
  }
  if (candidates.empty()) {
    if (!tag.empty() && depth == 0) Fail("{}: no image tagged '{}'", what, tag);
    Fail("{}: no image for platform {}/{}", what, want.os, want.architecture);
  }
  if (candidates.size() > 1 && depth == 0 && tag.empty())
    Fail("{}: holds {} images; name one with :TAG", what, candidates.size());
  Descriptor d = candidates.front();
  if (IsIndexType(d.media_type)) {
    std::string text = layout.ReadSmallBlob(d);
    return PickFromIndex(layout, ParseIndex(text, what + " " + d.digest.str()), "", want, what,
                         depth + 1);
  }
  return d;
}

}  // namespace

LoadedImage LoadImage(const std::string& layout_dir, const std::string& tag,
                      const Platform& want) {
  LoadedImage img;
  img.layout = std::make_shared<OciLayout>(OciLayout::Open(layout_dir));
  img.name = tag.empty() ? layout_dir : layout_dir + ":" + tag;
  img.manifest_descriptor =
      PickFromIndex(*img.layout, img.layout->ReadIndex(), tag, want, img.name, 0);
  std::string what = img.name + " manifest " + img.manifest_descriptor.digest.str();
  img.manifest = ParseManifest(img.layout->ReadSmallBlob(img.manifest_descriptor), what);
  img.config_descriptor = img.manifest.config;
  what = img.name + " config " + img.config_descriptor.digest.str();
  img.config = ParseImageConfig(img.layout->ReadSmallBlob(img.config_descriptor), what);
  if (img.config.diff_ids.size() != img.manifest.layers.size())
    Fail("{}: config lists {} diff_ids but the manifest {} layers", img.name,
         img.config.diff_ids.size(), img.manifest.layers.size());
  return img;
}

std::pair<std::string, std::string> SplitLayoutTag(const std::string& text) {
  if (IsDirectory(text)) return {text, ""};
  for (size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', colon + 1))
    if (colon > 0 && IsDirectory(text.substr(0, colon)))
      return {text.substr(0, colon), text.substr(colon + 1)};
  Fail("{}: no such OCI layout directory (expected DIR or DIR:TAG)", text);
}

Descriptor FindTagged(const OciLayout& layout, const std::string& tag) {
  std::vector<Descriptor> found;
  for (const auto& m : layout.ReadIndex().manifests) {
    auto it = m.annotations.find(kRefNameAnnotation);
    if (tag.empty() || (it != m.annotations.end() && it->second == tag)) found.push_back(m);
  }
  if (found.empty()) {
    if (tag.empty()) Fail("{}: holds no image", layout.dir());
    Fail("{}: no image tagged '{}'", layout.dir(), tag);
  }
  if (found.size() > 1) {
    if (tag.empty()) Fail("{}: holds {} images; name one with :TAG", layout.dir(), found.size());
    Fail("{}: {} entries are tagged '{}'", layout.dir(), found.size(), tag);
  }
  return found.front();
}

bool PlatformMatches(const Platform& have, const Platform& want) {
  return (want.os.empty() || have.os == want.os) &&
         (want.architecture.empty() || have.architecture == want.architecture) &&
         (want.variant.empty() || have.variant == want.variant);
}

Platform HostPlatform() {
  struct utsname u;
  uname(&u);
  std::string m = u.machine;
  Platform p{"linux", m, ""};
  if (m == "x86_64") p.architecture = "amd64";
  else if (m == "aarch64") p = {"linux", "arm64", "v8"};
  else if (m == "i686" || m == "i386") p.architecture = "386";
  else if (m == "armv7l") p = {"linux", "arm", "v7"};
  else if (m == "ppc64le" || m == "s390x" || m == "riscv64") p.architecture = m;
  if (p.architecture == "arm64") p.variant = "";  // v8 is implied; keep configs short
  return p;
}

SourceSpec ParseSourceSpec(const std::string& text) {
  SourceSpec s;
  if (text.empty() || text == "scratch") return s;
  if (IsDirectory(text)) return {SourceSpec::kLayout, text, ""};
  if (PathExists(text)) return {SourceSpec::kArchive, text, ""};
  // DIR:TAG where the tag may hold a colon itself (name:1.0): the directory
  // is the shortest prefix before a colon that exists.
  for (auto colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    if (colon > 0 && IsDirectory(text.substr(0, colon)))
      return {SourceSpec::kLayout, text.substr(0, colon), text.substr(colon + 1)};
  }
  if (IsExplicitRegistryReference(text)) return {SourceSpec::kRegistry, text, ""};
  Fail("base {}: no such file or directory (expected scratch, an OCI layout directory[:tag], "
       "an oci-archive, a docker-archive or a registry reference host/repository[:tag]"
       "[@digest])", text);
}

OpenedSource OpenSource(const SourceSpec& spec, const Platform& want,
                        const std::string& scratch_dir, const RegistryOptions* registry) {
  OpenedSource out;
  if (spec.kind == SourceSpec::kLayout) {
    out.image = LoadImage(spec.path, spec.tag, want);
  } else if (spec.kind == SourceSpec::kArchive) {
    auto temp = std::make_shared<TempDir>(scratch_dir, ".ocimake-import-");
    std::string layout = JoinPath(temp->path(), "layout");
    ImportArchive(spec.path, layout);
    out.image = LoadImage(layout, spec.tag, want);
    out.image.name = spec.path;
    out.holder = temp;
  } else if (spec.kind == SourceSpec::kRegistry) {
    ImageReference ref = ParseImageReference(spec.path);
    RegistryOptions options = registry ? *registry : RegistryOptions::FromEnvironment();
    std::string cache = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
    PulledImage pulled = PullImage(ref, want, cache, options);
    out.image = LoadImage(pulled.layout_dir, pulled.tag, pulled.platform);
    out.image.name = spec.path;
  } else {
    Fail("scratch has no image to open");
  }
  return out;
}

}  // namespace ocimake
