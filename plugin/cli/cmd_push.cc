#include <iostream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/image.h"
#include "oci/image_reference.h"
#include "registry/registry_cache.h"
#include "registry/registry_client.h"
#include "registry/registry_push.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/location.h"

namespace ocimake {

namespace {

// The reference's tag, then every --tag (each checked).
std::vector<std::string> PushTags(const ImageReference& ref,
                                  const std::vector<std::string>& extra_tags) {
  std::vector<std::string> tags;
  if (!ref.tag.empty()) tags.push_back(ref.tag);
  for (const auto& t : extra_tags) {
    if (!IsValidTag(t)) Fail("--tag '{}': invalid tag", t);
    tags.push_back(t);
  }
  return tags;
}

}  // namespace

int RunPush(const Args& args) {
  CLI::App app{
      "Pushes an image (or a multi-platform index) of an OCI layout to a registry and\n"
      "prints its manifest digest. Each blob is skipped when the repository has it, mounted\n"
      "from another repository of the registry when ocimake knows one holds it, else uploaded\n"
      "(8 MiB chunks from 16 MiB on); --jobs blobs at once, one progress line each on a\n"
      "terminal. The manifest is put by digest after its blobs, then under each tag.\n\n"
      "  ocimake push build/hello-image 127.0.0.1:5000/hello:1.0\n"
      "  ocimake push build/hello-image:hello:1.0 registry.example.com/team/hello:1.0 --tag latest\n"
      "  ocimake push out/ myhost:5000/app:1 --insecure-registry myhost:5000\n\n"
      "Credentials: see `ocimake login --help`; docs/registries.md.",
      "push"};
  std::string source, destination, digest_file;
  std::vector<std::string> extra_tags;
  RegistryFlags flags;
  app.add_option("layout", source, "OCI layout DIR[:TAG] (TAG: NAME:TAG or its tag alone)")
      ->required();
  app.add_option("reference", destination, "HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")->required();
  app.add_option("--tag", extra_tags, "push under this tag too (repeatable)");
  app.add_option("--digest-file", digest_file, "write the manifest digest here");
  AddRegistryFlags(app, &flags);
  AddTransferJobsFlag(app, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  auto [dir, tag] = SplitLayoutTag(source);
  OciLayout layout = OciLayout::Open(dir);
  Descriptor top = FindTagged(layout, tag);
  ImageReference ref = ParseImageReference(destination);
  if (!ref.digest.empty() && ref.digest != top.digest)
    Fail("{}: the image of {} has digest {}", destination, source, top.digest.str());
  std::vector<std::string> tags = PushTags(ref, extra_tags);
  RegistryOptions options = MakeRegistryOptions(flags);
  RegistryClient client(ref.registry, options);
  std::string cache = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  PushSummary summary = WithContext("pushing " + source + " to " + ref.name(), [&] {
    return PushImage(client, ref.repository, layout, top, tags, cache);
  });
  if (!digest_file.empty()) WriteFileIfChanged(digest_file, summary.digest.str() + "\n");
  std::cout << summary.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
