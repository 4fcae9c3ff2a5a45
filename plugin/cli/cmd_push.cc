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

// What `ocimake push` was asked to do.
struct PushCommand {
  std::string source, destination, digest_file;
  std::vector<std::string> extra_tags;
  RegistryFlags flags;
};

void AddPushOptions(CLI::App& app, PushCommand* c) {
  app.add_option("layout", c->source, "OCI layout DIR[:TAG] (TAG: NAME:TAG or its tag alone)")
      ->required();
  app.add_option("reference", c->destination, "HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")
      ->required();
  app.add_option("--tag", c->extra_tags, "push under this tag too (repeatable)");
  app.add_option("--digest-file", c->digest_file, "write the manifest digest here");
  AddRegistryFlags(app, &c->flags);
  AddTransferJobsFlag(app, &c->flags);
}

// Pushes the image `c` names; returns its manifest digest.
Digest Push(const PushCommand& c) {
  auto [dir, tag] = SplitLayoutTag(c.source);
  OciLayout layout = OciLayout::Open(dir);
  Descriptor top = FindTagged(layout, tag);
  ImageReference ref = ParseImageReference(c.destination);
  if (!ref.digest.empty() && ref.digest != top.digest)
    Fail("{}: the image of {} has digest {}", c.destination, c.source, top.digest.str());
  std::vector<std::string> tags = PushTags(ref, c.extra_tags);
  RegistryOptions options = MakeRegistryOptions(c.flags);
  RegistryClient client(ref.registry, options);
  std::string cache = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  PushSummary summary = WithContext("pushing " + c.source + " to " + ref.name(), [&] {
    return PushImage(client, ref.repository, layout, top, tags, cache);
  });
  return summary.digest;
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
  PushCommand c;
  AddPushOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  Digest digest = Push(c);
  if (!c.digest_file.empty()) WriteFileIfChanged(c.digest_file, digest.str() + "\n");
  std::cout << digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
