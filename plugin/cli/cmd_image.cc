#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "closure/base_files.h"
#include "image/entrypoint_check.h"
#include "image/image_builder.h"
#include "oci/oci_json.h"
#include "oci/platform.h"
#include "registry/registry_client.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

struct ImageCommand {
  std::string layout_dir, base = "scratch", settings_file, tag, digest_file, layer_store, platform;
  std::vector<std::string> layers;
  int64_t epoch = DefaultEpoch();
  bool prune = false, untagged = false;
  ImageContents contents;  // for the entrypoint check
  RegistryFlags registry;
};

void AddImageOptions(CLI::App& app, ImageCommand* c) {
  app.add_option("--layout", c->layout_dir, "output OCI layout (created when missing)")->required();
  app.add_option("--base", c->base,
                 "scratch, an OCI layout dir[:tag], an oci-archive, a docker-archive, a "
                 "registry reference, or @FILE: the pinned reference `ocimake base-digest` "
                 "wrote");
  app.add_option("--layer", c->layers,
                 "layer descriptor from `ocimake layer` (repeatable, in order)");
  app.add_option("--layer-store", c->layer_store,
                 "OCI layout the layers were written into (default: --layout)");
  app.add_option("--settings", c->settings_file, "image settings JSON");
  app.add_option("--tag", c->tag, "name NAME:TAG (or a bare TAG) in index.json; overrides the settings'");
  app.add_option("--epoch", c->epoch, "created time (default: $SOURCE_DATE_EPOCH or 0)");
  app.add_flag("--prune", c->prune,
               "the layout is the build's own: keep only this image and its blobs");
  app.add_option("--digest-file", c->digest_file, "write the manifest digest here (on change)");
  app.add_option("--platform", c->platform,
                 "OS/ARCH[/VARIANT] of the image, and of the base's manifest to take");
  app.add_flag("--untagged", c->untagged,
               "write the blobs only, for `ocimake index` (one platform of several)");
  app.add_option("--check-stage", c->contents.stage_dir,
                 "check that the entrypoint is in the image: the staged tree of its app layer");
  app.add_option("--check-libs", c->contents.entries_files,
                 "check that the entrypoint is in the image: an entries file of another "
                 "layer (the closure's, the runtime packages'; repeatable)");
  AddRegistryFlags(app, &c->registry);
}

// The base, read and verified completely before the output layout is
// touched, so a bad base leaves the layout as it was.
OpenedSource OpenVerifiedBase(const ImageCommand& c, const ImageSettings& settings) {
  Platform want = HostPlatform();
  if (!settings.architecture.empty()) want = {"linux", settings.architecture, ""};
  if (!settings.os.empty()) want.os = settings.os;
  if (!c.platform.empty()) want = ParsePlatform(c.platform);
  OpenedSource source = WithContext("base " + c.base, [&] {
    RegistryOptions options = MakeRegistryOptions(c.registry);
    return OpenSource(ParseSourceSpec(c.base), want, DirName(AbsolutePath(c.layout_dir)),
                      &options);
  });
  if (!c.platform.empty()) WithContext("base " + c.base, [&] { RequirePlatform(source.image, want); });
  for (const auto& l : source.image.manifest.layers)
    WithContext("base " + c.base,
                [&] { source.image.layout->ReadBlob(l, [](const char*, size_t) {}); });
  return source;
}

// The request from the command's files: settings, tag, layer descriptors.
ImageRequest ReadRequest(const ImageCommand& c) {
  ImageRequest request;
  request.epoch = c.epoch;
  request.prune = c.prune;
  request.untagged = c.untagged;
  request.cache_dir = c.registry.cache_dir;
  if (!c.platform.empty()) request.platform = ParsePlatform(c.platform);
  if (!c.settings_file.empty())
    request.settings =
        ParseImageSettings(ReadFile(c.settings_file, kMaxJsonBytes), c.settings_file);
  if (!c.tag.empty()) request.settings.tag = c.tag;
  for (const auto& l : c.layers)
    for (auto& d : ParseLayerDescriptors(ReadFile(l, kMaxJsonBytes), l))
      request.layers.push_back(std::move(d));
  return request;
}

}  // namespace

int RunImage(const Args& args) {
  CLI::App app{
      "Assembles an image into an OCI layout: the base's layers (verified, their\n"
      "diff_ids checked once per cache, and reused as they are), then the given\n"
      "layers, and a config made from the base's with the settings applied. Tags it\n"
      "in index.json and prints the manifest digest.\n\n"
      "  ocimake image --layout out/ --base scratch --layer libs.layer.json \\\n"
      "      --layer app.layer.json --settings hello.settings.json\n\n"
      "The settings file is JSON: {\"entrypoint\": [..], \"cmd\": [..], \"env\": [\"K=V\"],\n"
      "\"workdir\": \"/\", \"user\": \"1000\", \"expose\": [\"8080\"], \"labels\": {..},\n"
      "\"annotations\": {..}, \"os\": \"linux\", \"architecture\": \"amd64\", \"tag\": \"hello:1.0\"}.",
      "image"};
  ImageCommand c;
  AddImageOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  c.base = ResolveBaseArgument(c.base);

  ImageRequest request = ReadRequest(c);
  OpenedSource base;
  if (ParseSourceSpec(c.base).kind != SourceSpec::kScratch) {
    base = OpenVerifiedBase(c, request.settings);
    request.base = base.image;
  }
  if (!c.contents.stage_dir.empty() || !c.contents.entries_files.empty()) {
    if (request.base) c.contents.base_files = [&] { return ListImageFiles(*request.base); };
    ImageConfig base_config = request.base ? request.base->config : ImageConfig{};
    CheckEntrypoint(WithSettings(base_config, request.settings, c.epoch, HostPlatform()).config,
                    c.contents);
  }
  if (!c.layer_store.empty()) request.layer_store = OciLayout::Open(c.layer_store);
  Descriptor md = WriteImage(OciLayout::Create(c.layout_dir), request);
  if (!c.digest_file.empty()) WriteFileIfChanged(c.digest_file, md.digest.str() + "\n");
  std::cout << md.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
