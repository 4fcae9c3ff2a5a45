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

int RunImage(const Args& args) {
  CLI::App app{
      "Assembles an image into an OCI layout: the base's layers (verified and\n"
      "reused as they are), then the given layers, and a config made from the base's\n"
      "with the settings applied. Tags it in index.json and prints the manifest digest.\n\n"
      "  ocimake image --layout out/ --base scratch --layer libs.layer.json \\\n"
      "      --layer app.layer.json --settings hello.settings.json\n\n"
      "The settings file is JSON: {\"entrypoint\": [..], \"cmd\": [..], \"env\": [\"K=V\"],\n"
      "\"workdir\": \"/\", \"user\": \"1000\", \"expose\": [\"8080\"], \"labels\": {..},\n"
      "\"annotations\": {..}, \"os\": \"linux\", \"architecture\": \"amd64\", \"tag\": \"hello:1.0\"}.",
      "image"};
  std::string layout_dir, base = "scratch", settings_file, tag, digest_file, layer_store;
  std::vector<std::string> layers;
  int64_t epoch = DefaultEpoch();
  bool prune = false;
  app.add_option("--layout", layout_dir, "output OCI layout (created when missing)")->required();
  app.add_option("--base", base,
                 "scratch, an OCI layout dir[:tag], an oci-archive or a docker-archive");
  app.add_option("--layer", layers, "layer descriptor from `ocimake layer` (repeatable, in order)");
  app.add_option("--layer-store", layer_store,
                 "OCI layout the layers were written into (default: --layout)");
  app.add_option("--settings", settings_file, "image settings JSON");
  app.add_option("--tag", tag, "tag (org.opencontainers.image.ref.name); overrides the settings'");
  app.add_option("--epoch", epoch, "created time (default: $SOURCE_DATE_EPOCH or 0)");
  app.add_flag("--prune", prune, "the layout is the build's own: keep only this image and its blobs");
  app.add_option("--digest-file", digest_file, "write the manifest digest here (on change)");
  ImageContents contents;
  app.add_option("--check-stage", contents.stage_dir,
                 "check that the entrypoint is in the image: the staged tree of its app layer");
  app.add_option("--check-libs", contents.libs_file,
                 "check that the entrypoint is in the image: the closure's entries file");
  RegistryFlags registry;
  AddRegistryFlags(app, &registry);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  ImageRequest request;
  request.epoch = epoch;
  request.prune = prune;
  if (!settings_file.empty())
    request.settings = ParseImageSettings(ReadFile(settings_file, kMaxJsonBytes), settings_file);
  if (!tag.empty()) request.settings.tag = tag;
  for (const auto& l : layers)
    request.layers.push_back(ParseLayerDescriptor(ReadFile(l, kMaxJsonBytes), l));

  // The base is read (and verified) completely before the output layout is
  // touched, so a bad base leaves the layout as it was.
  Platform want = HostPlatform();
  if (!request.settings.architecture.empty()) want = {"linux", request.settings.architecture, ""};
  if (!request.settings.os.empty()) want.os = request.settings.os;
  SourceSpec spec = ParseSourceSpec(base);
  OpenedSource source;
  if (spec.kind != SourceSpec::kScratch) {
    source = WithContext("base " + base, [&] {
      RegistryOptions options = MakeRegistryOptions(registry);
      return OpenSource(spec, want, DirName(AbsolutePath(layout_dir)), &options);
    });
    for (const auto& l : source.image.manifest.layers)
      WithContext("base " + base, [&] { source.image.layout->ReadBlob(l, [](const char*, size_t) {}); });
    request.base = source.image;
  }
  if (!contents.stage_dir.empty() || !contents.libs_file.empty()) {
    if (request.base) contents.base_files = [&] { return ListImageFiles(*request.base); };
    ImageConfig base_config = request.base ? request.base->config : ImageConfig{};
    CheckEntrypoint(WithSettings(base_config, request.settings, epoch, HostPlatform()).config,
                    contents);
  }
  if (!layer_store.empty()) request.layer_store = OciLayout::Open(layer_store);
  OciLayout out = OciLayout::Create(layout_dir);
  Descriptor md = WriteImage(out, request);
  if (!digest_file.empty()) WriteFileIfChanged(digest_file, md.digest.str() + "\n");
  std::cout << md.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
