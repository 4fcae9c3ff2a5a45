#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/platform.h"
#include "image/image_builder.h"
#include "oci/image_reference.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_pull.h"
#include "source/image_source.h"

namespace ocimake {

int RunPull(const Args& args) {
  CLI::App app{
      "Pulls an image from a registry into an OCI layout (created when missing) and\n"
      "prints its manifest digest. A multi-platform index is resolved to one platform\n"
      "(--platform, default the host's). Blobs go through the cache ($OCIMAKE_CACHE_DIR,\n"
      "default ~/.cache/ocimake), verified as they stream; a digest-pinned reference that\n"
      "is cached already is served without contacting the registry. Up to --jobs blobs\n"
      "are fetched at once, and hard-linked from the cache into the layout when both are\n"
      "on one file system.\n\n"
      "  ocimake pull 127.0.0.1:5000/base:1.0 build/base:1.0\n"
      "  ocimake pull docker.io/library/debian:12 build/debian --platform linux/arm64\n"
      "  ocimake pull ghcr.io/org/app@sha256:<hex> build/app:pinned",
      "pull"};
  std::string source, destination, platform;
  RegistryFlags flags;
  app.add_option("reference", source, "[HOST[:PORT]/]REPOSITORY[:TAG][@DIGEST]")->required();
  app.add_option("layout", destination,
                 "OCI layout DIR[:TAG] to copy it into (default: named as the reference, found by\n"
                 "its tag or in full)")
      ->required();
  app.add_option("--platform", platform, "OS/ARCH[/VARIANT] to take from an index");
  AddRegistryFlags(app, &flags);
  AddTransferJobsFlag(app, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  ImageReference ref = ParseImageReference(source);
  auto [dir, dest_tag] = SplitNewLayoutTag(destination);
  std::string tag = dest_tag.value_or(ref.str());  // tag 1.0, full name host/repo:1.0
  RegistryOptions options = MakeRegistryOptions(flags);
  Platform want = platform.empty() ? HostPlatform() : ParsePlatform(platform);
  SourceSpec spec{SourceSpec::kRegistry, ref.str(), "", ""};
  OpenedSource pulled = OpenSource(spec, want, DirName(AbsolutePath(dir)), &options);
  // The cache's blobs were verified by the pull: hard-linked, not copied.
  Descriptor md = CopyImage(pulled.image, OciLayout::Create(dir), tag, /*link=*/true);
  std::cout << md.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
