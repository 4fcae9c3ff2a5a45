#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "layer/layer_reader.h"
#include "oci/oci_json.h"
#include "oci/platform.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

void PrintLayers(const LoadedImage& img) {
  const auto& layers = img.manifest.layers;
  std::vector<const HistoryEntry*> history = LayerHistory(img.config, layers.size());
  int64_t total = 0;
  fmt::print("layers    {}\n", layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    total += layers[i].size;
    const HistoryEntry* h = history[i];
    fmt::print("  {:>2}  {}  {:>10}  {}\n", i + 1, layers[i].digest.str().substr(0, 19),
               HumanBytes(layers[i].size), h ? h->created_by : "");
    if (h && !h->comment.empty()) fmt::print("      comment: {}\n", h->comment);
  }
  fmt::print("size      {} compressed\n", HumanBytes(total));
}

void PrintHuman(const LoadedImage& img) {
  const RuntimeConfig& c = img.config.config;
  fmt::print("image     {}\nmanifest  {}\nconfig    {}\nplatform  {}/{}{}\ncreated   {}\n",
             img.name, img.manifest_descriptor.digest.str(), img.config_descriptor.digest.str(),
             img.config.os, img.config.architecture,
             img.config.variant.empty() ? "" : "/" + img.config.variant, img.config.created);
  if (c.entrypoint) fmt::print("entrypoint {}\n", Join(*c.entrypoint));
  if (c.cmd) fmt::print("cmd       {}\n", Join(*c.cmd));
  if (!c.working_dir.empty()) fmt::print("workdir   {}\n", c.working_dir);
  if (!c.user.empty()) fmt::print("user      {}\n", c.user);
  for (const auto& e : c.env) fmt::print("env       {}\n", e);
  for (const auto& p : c.exposed_ports) fmt::print("expose    {}\n", p);
  for (const auto& [k, v] : c.labels) fmt::print("label     {}={}\n", k, v);
  PrintLayers(img);
}

// The index of a multi-platform image: each platform with its manifest's
// digest, '*' marking the one summarised below.
void PrintPlatforms(const PlatformIndex& index, const Digest& shown) {
  fmt::print("index     {}\nplatforms {}\n", index.descriptor.digest.str(), index.entries.size());
  for (const auto& e : index.entries)
    fmt::print("  {} {:<14} {}\n", e.digest == shown ? '*' : ' ',
               e.platform ? PlatformString(*e.platform) : "(none)", e.digest.str());
}

// One line of the --files listing: mode, size, path, and what it links to.
void PrintFileLine(const LayerTarEntry& e) {
  std::string path = "/" + e.path;
  if (e.type == LayerTarEntry::kWhiteout) {
    fmt::print("  {:<10}  {:>10}  {}\n", "deleted", "", path);
  } else if (e.type == LayerTarEntry::kOpaque) {
    fmt::print("  {:<10}  {:>10}  {}{}*  (opaque: all lower layers put there)\n", "deleted", "",
               path, e.path.empty() ? "" : "/");
  } else {
    std::string link = e.type == LayerTarEntry::kSymlink    ? " -> " + Printable(e.link)
                       : e.type == LayerTarEntry::kHardlink ? " link to /" + e.link
                                                            : "";
    fmt::print("  {:<10}  {:>10}  {}{}\n", ModeString(e), e.size, path, link);
  }
}

// The entries of each layer, streamed from its blob (never unpacked), each
// layer after a header: index, short digest, uncompressed size (of the
// entries' contents, as dive counts it), entry count, history. With `json`,
// one array of objects instead.
void PrintFiles(const LoadedImage& img, bool json) {
  const auto& layers = img.manifest.layers;
  std::vector<const HistoryEntry*> history = LayerHistory(img.config, layers.size());
  for (const auto& l : layers)  // every layer verified before anything is printed
    if (!img.layout->VerifyBlob(l))
      Fail("layer {}: missing or does not match its digest", l.digest.str());
  const char* separator = "[";
  for (size_t i = 0; i < layers.size(); ++i) {
    std::vector<LayerTarEntry> lines;  // human form: held until the header is known
    std::string blob = img.layout->BlobPath(layers[i].digest);
    auto entry = [&](const LayerTarEntry& e) {
      if (!json) return lines.push_back(e);
      std::string link = e.type == LayerTarEntry::kHardlink ? "/" + e.link : e.link;
      fmt::print("{}\n{}", separator, LayerFileJson(static_cast<int>(i + 1), "/" + e.path,
                                                    TypeName(e.type), ModeString(e), e.size, link));
      separator = ",";
    };
    LayerStats stats = ReadLayerEntries(blob, "layer " + layers[i].digest.str(), entry);
    if (json) continue;
    std::string by = history[i] ? history[i]->created_by : "";
    fmt::print("layer {}  {}  {} uncompressed in {} {}{}\n", i + 1,
               layers[i].digest.str().substr(0, 19), HumanBytes(stats.content_bytes),
               stats.entries, stats.entries == 1 ? "entry" : "entries", by.empty() ? "" : "  " + by);
    for (const auto& e : lines) PrintFileLine(e);
  }
  if (json) fmt::print("{}]\n", separator[0] == '[' ? "[" : "\n");
}

constexpr char kInspectHelp[] =
    "Summarises an image: digests, platform, config and its layers with sizes\n"
    "(and each layer's history comment, when it has one). Of a multi-platform\n"
    "image (a tag naming an index), first its index digest and a 'platforms'\n"
    "block, one line per platform with its manifest digest, then the manifest\n"
    "of --platform ('*' in the block; default: the host's, else the first).\n\n"
    "With --files, lists every entry of every layer instead, read from the\n"
    "layer blobs as they stream (nothing is unpacked): per layer a header line\n"
    "(index, short digest, uncompressed size: the sum of its entries' sizes,\n"
    "entry count, created_by), then one line per entry: ls-style mode, size\n"
    "in bytes, path, and '-> target' for a symlink or 'link to /path' for a\n"
    "hardlink. A whiteout is shown as 'deleted /path'; an opaque directory as\n"
    "'deleted /dir/*' (what lower layers put there is gone).\n"
    "--files --json prints one JSON array of {\"layer\", \"path\", \"type\",\n"
    "\"mode\", \"size\", \"link\"} (layer: 1 for the lowest; type: file, dir,\n"
    "symlink, hardlink, char, block, fifo, socket, whiteout or opaque).\n\n"
    "  ocimake inspect build/hello-image\n"
    "  ocimake inspect build/hello-image:hello:1.0 --json\n"
    "  ocimake inspect build/multi-image:app --platform linux/arm64\n"
    "  ocimake inspect --files build/hello-image\n"
    "  ocimake inspect --files --json build/hello-image | jq '.[] | select(.size > 1000000)'";

}  // namespace

int RunInspect(const Args& args) {
  CLI::App app{kInspectHelp, "inspect"};
  std::string source;
  PlatformChoice platform{"", true};
  bool json = false, files = false;
  app.add_option("image", source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_flag("--files", files, "list every entry of every layer (with --json: a JSON array)");
  app.add_flag("--json", json, "print {\"digest\", \"manifest\", \"config\"} as JSON");
  app.add_option("--platform", platform.flag,
                 "OS/ARCH[/VARIANT] of a multi-platform image to summarise (default: the "
                 "host's, else the first)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  TempDir scratch(TempParent(), "ocimake-inspect-");
  OpenedSource src = OpenForPlatform(ParseSourceSpec(source), platform, scratch.path());
  const LoadedImage& img = src.image;
  if (files) {
    PrintFiles(img, json);
  } else if (json) {
    fmt::print("{{\"config\":{},\"digest\":\"{}\",\"manifest\":{}}}\n", ToJson(img.config),
               img.manifest_descriptor.digest.str(), ToJson(img.manifest));
  } else {
    if (src.index) PrintPlatforms(*src.index, img.manifest_descriptor.digest);
    PrintHuman(img);
  }
  return 0;
}

}  // namespace ocimake
