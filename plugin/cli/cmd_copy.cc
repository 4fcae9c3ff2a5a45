#include <cstdlib>
#include <iostream>

#include "archive/archive_export.h"
#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/platform.h"
#include "image/image_builder.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"
#include "oci/ref_name.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_push.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

// Into an OCI layout: tagged as asked, else as the source was (a layout's or
// an archive's name; a registry source's cache reference is no tag here).
Descriptor CopyToLayout(const OpenedSource& source, const SourceSpec& src, const SourceSpec& dst) {
  std::string tag = dst.tag;
  if (tag.empty() && src.kind != SourceSpec::kRegistry)
    tag = RefNameText(source.image.manifest_descriptor);
  // A registry source's blobs are in the pull cache, verified: linked.
  return CopyImage(source.image, OciLayout::Create(dst.path), tag,
                   src.kind == SourceSpec::kRegistry);
}

Descriptor PushToRegistry(const OpenedSource& source, const std::string& to,
                          const SourceSpec& dst, const RegistryOptions& options) {
  ImageReference ref = ParseImageReference(dst.path);
  const Descriptor& md = source.image.manifest_descriptor;
  if (!ref.digest.empty() && ref.digest != md.digest)
    Fail("{}: the image's digest is {}", to, md.digest.str());
  RegistryClient client(ref.registry, options);
  std::vector<std::string> tags;
  if (!ref.tag.empty()) tags.push_back(ref.tag);
  WithContext(to, [&] {
    PushImage(client, ref.repository, *source.image.layout, md, tags,
              options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir);
  });
  return md;
}

}  // namespace

int RunCopy(const Args& args) {
  CLI::App app{
      "Copies an image between an OCI layout, an oci-archive, a docker-archive and a\n"
      "registry, verifying every blob. Prints the manifest digest. To or from a registry,\n"
      "up to --jobs blobs move at once.\n\n"
      "  ocimake copy docker-archive:app.tar oci:build/base:app\n"
      "  ocimake copy oci:build/hello-image:hello:1.0 oci-archive:hello.oci.tar\n"
      "  ocimake copy docker://registry.example.com/base/debian:12 oci:build/base:12\n"
      "  ocimake copy oci:build/hello-image docker://127.0.0.1:5000/hello:1.0\n"
      "  ocimake copy docker://127.0.0.1:5000/a:1 docker://127.0.0.1:5000/b:1   (blobs mounted)",
      "copy"};
  std::string from, to, platform;
  RegistryFlags flags;
  const char* kWhere =
      "oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE or docker://HOST/REPO[:TAG][@DIGEST]";
  app.add_option("source", from, kWhere)->required();
  app.add_option("destination", to, kWhere)->required();
  app.add_option("--platform", platform,
                 "OS/ARCH[/VARIANT] to take from a multi-platform source (default: the host's)");
  AddRegistryFlags(app, &flags);
  AddTransferJobsFlag(app, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  SourceSpec src = ParseTransportSpec(from), dst = ParseTransportSpec(to);
  RegistryOptions options = MakeRegistryOptions(flags);
  Platform want = platform.empty() ? HostPlatform() : ParsePlatform(platform);
  std::string scratch =
      dst.kind == SourceSpec::kRegistry ? TempParent() : DirName(AbsolutePath(dst.path));
  OpenedSource source = WithContext(
      from, [&] { return OpenSource(src, want, scratch, &options); });
  Descriptor md = source.image.manifest_descriptor;
  if (dst.kind == SourceSpec::kLayout) md = CopyToLayout(source, src, dst);
  else if (dst.kind == SourceSpec::kRegistry) md = PushToRegistry(source, to, dst, options);
  else ExportArchive(source.image, ParseArchiveFormat(dst.format), "", dst.path);
  std::cout << md.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
