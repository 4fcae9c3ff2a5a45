#include <iostream>

#include "cli.h"
#include "error.h"
#include "fs_util.h"
#include "image_source.h"
#include "oci_json.h"

namespace ocimake {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string HumanSize(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.1f} MiB", bytes / 1048576.0);
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
  int64_t total = 0;
  fmt::print("layers    {}\n", img.manifest.layers.size());
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    const auto& l = img.manifest.layers[i];
    total += l.size;
    std::string by = i < img.config.history.size() ? img.config.history[i].created_by : "";
    fmt::print("  {:>2}  {}  {:>10}  {}\n", i + 1, l.digest.str().substr(0, 19), HumanSize(l.size),
               by);
  }
  fmt::print("size      {} compressed\n", HumanSize(total));
}

}  // namespace

int RunInspect(const Args& args) {
  CLI::App app{
      "Summarises an image: digests, platform, config and its layers with sizes.\n\n"
      "  ocimake inspect build/hello-image\n"
      "  ocimake inspect build/hello-image:hello:1.0 --json",
      "inspect"};
  std::string source;
  bool json = false;
  app.add_option("image", source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_flag("--json", json, "print {\"digest\", \"manifest\", \"config\"} as JSON");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  TempDir scratch("/tmp", "ocimake-inspect-");
  OpenedSource src = OpenSource(ParseSourceSpec(source), Platform{}, scratch.path());
  const LoadedImage& img = src.image;
  if (json) {
    fmt::print("{{\"config\":{},\"digest\":\"{}\",\"manifest\":{}}}\n", ToJson(img.config),
               img.manifest_descriptor.digest.str(), ToJson(img.manifest));
  } else {
    PrintHuman(img);
  }
  return 0;
}

}  // namespace ocimake
