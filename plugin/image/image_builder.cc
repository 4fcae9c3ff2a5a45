#include "image/image_builder.h"

#include <sys/stat.h>

#include <algorithm>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/strings.h"
#include "image/diff_ids.h"
#include "image/runtime_user.h"
#include "oci/image.h"
#include "oci/oci_json.h"
#include "oci/platform.h"

namespace ocimake {

void SetEnv(std::vector<std::string>* env, const std::string& key_value) {
  std::string key = key_value.substr(0, key_value.find('='));
  for (auto& e : *env) {
    if (e.substr(0, e.find('=')) == key) {
      e = key_value;
      return;
    }
  }
  env->push_back(key_value);
}

namespace {

std::string NormalizePort(const std::string& port) {
  if (port.empty() || port.find_first_not_of("0123456789/tcpudsp") != std::string::npos)
    Fail("EXPOSE '{}': expected PORT or PORT/tcp, PORT/udp, PORT/sctp", port);
  return port.find('/') == std::string::npos ? port + "/tcp" : port;
}

}  // namespace

ImageConfig WithSettings(ImageConfig config, const ImageSettings& s, int64_t epoch,
                         const Platform& host) {
  RuntimeConfig& c = config.config;
  for (const auto& kv : s.env) {
    if (kv.find('=') == std::string::npos || kv[0] == '=')
      Fail("ENV '{}': expected KEY=value", kv);
    SetEnv(&c.env, kv);
  }
  if (s.entrypoint) {
    c.entrypoint = s.entrypoint;
    c.cmd.reset();  // as Docker: a new ENTRYPOINT drops the base's CMD
  }
  if (s.cmd) c.cmd = s.cmd;
  if (!s.workdir.empty()) c.working_dir = s.workdir;
  c.user = RuntimeUser(s.user, c.user);  // non-root unless USER or the base says otherwise
  if (!s.stop_signal.empty()) c.stop_signal = s.stop_signal;
  // As Docker and distroless: a PATH unless the base or ENV set one.
  bool has_path = std::any_of(c.env.begin(), c.env.end(),
                              [](const std::string& kv) { return kv.rfind("PATH=", 0) == 0; });
  if (!has_path) c.env.push_back(kDefaultPath);
  for (const auto& p : s.expose) c.exposed_ports.insert(NormalizePort(p));
  for (const auto& v : s.volumes) c.volumes.insert(v);
  for (const auto& [k, v] : s.labels) c.labels[k] = v;
  if (!s.os.empty()) config.os = s.os;
  if (!s.architecture.empty()) config.architecture = s.architecture;
  if (!s.variant.empty()) config.variant = s.variant;
  if (config.os.empty()) config.os = host.os;
  if (config.architecture.empty()) {
    config.architecture = host.architecture;
    config.variant = host.variant;
  }
  if (!s.author.empty()) config.author = s.author;
  config.created = FormatUtc(epoch);
  return config;
}

ImageConfig AppendLayer(ImageConfig config, const LayerDescriptor& layer, int64_t epoch) {
  config.diff_ids.push_back(layer.diff_id);
  HistoryEntry h;
  h.created = FormatUtc(epoch);
  h.created_by = layer.created_by.empty() ? "ocimake" : layer.created_by;
  h.comment = layer.comment;
  config.history.push_back(h);
  return config;
}

namespace {

// The base's layers, copied (verified) into `out` and listed in `manifest`.
void CopyBaseLayers(const OciLayout& out, const LoadedImage& base, Manifest* manifest) {
  for (const auto& l : base.manifest.layers) {
    WithContext("base " + base.name + " layer " + l.digest.str(),
                [&] { out.CopyBlobFrom(*base.layout, l); });
    Descriptor layer = l;
    // A Docker schema 2 base keeps its bytes; only the names change.
    if (layer.media_type == media_type::kDockerLayerGzip)
      layer.media_type = media_type::kOciLayerGzip;
    if (layer.media_type == media_type::kDockerLayer) layer.media_type = media_type::kOciLayer;
    manifest->layers.push_back(layer);
  }
  manifest->annotations["org.opencontainers.image.base.digest"] =
      base.manifest_descriptor.digest.str();
}

// One of our layers into `out`: linked from the layer store, then checked.
void PlaceOwnLayer(const OciLayout& out, const ImageRequest& r, const LayerDescriptor& l) {
  if (r.layer_store)
    WithContext("layer " + l.descriptor.digest.str(),
                [&] { out.LinkBlobFrom(*r.layer_store, l.descriptor); });
  // Our own layers were written into this layout by `ocimake layer`; a
  // missing or truncated one means the layout was changed behind the build.
  std::string path = out.BlobPath(l.descriptor.digest);
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || st.st_size != l.descriptor.size)
    Fail("layer {} is missing from {} (the layout was changed outside the build: "
         "delete the layer's descriptor file and build again)",
         l.descriptor.digest.str(), out.dir());
}

}  // namespace

Descriptor WriteImage(const OciLayout& out, const ImageRequest& r) {
  Manifest manifest;
  ImageConfig config;
  if (r.base) {
    config = r.base->config;
    CopyBaseLayers(out, *r.base, &manifest);
    // Never copy a diff_id into the new config unchecked.
    VerifyDiffIds(*r.base, out, r.cache_dir.empty() ? DefaultCacheDir() : r.cache_dir);
  }
  config = WithSettings(config, r.settings, r.epoch, HostPlatform());
  if (r.platform) {
    config.os = r.platform->os;
    config.architecture = r.platform->architecture;
    config.variant = r.platform->variant;
  }
  for (const auto& l : r.layers) {
    if (l.entries == 0) continue;  // nothing to add: no empty layer in the image
    PlaceOwnLayer(out, r, l);
    manifest.layers.push_back(l.descriptor);
    config = AppendLayer(config, l, r.epoch);
  }
  for (const auto& [k, v] : r.settings.annotations) manifest.annotations[k] = v;
  manifest.config = out.WriteBlob(ToJson(config), media_type::kOciConfig);
  Descriptor md = out.WriteBlob(ToJson(manifest), media_type::kOciManifest);
  md.platform = Platform{config.os, config.architecture, config.variant};
  if (r.untagged) return md;
  return out.Tag(md, r.settings.tag, r.prune);
}

namespace {

// The descriptor of a manifest of `from` (size from its blob), with the
// platform its config states.
Descriptor PlatformManifest(const OciLayout& from, const Digest& digest, Manifest* manifest) {
  Descriptor md;
  md.media_type = media_type::kOciManifest;
  md.digest = digest;
  std::string what = from.BlobPath(digest);
  struct stat st;
  if (!from.HasBlob(digest) || stat(what.c_str(), &st) != 0)
    Fail("manifest {}: not in the layout {}", digest.str(), from.dir());
  md.size = st.st_size;
  *manifest = ParseManifest(from.ReadSmallBlob(md), what);
  ImageConfig config = ParseImageConfig(from.ReadSmallBlob(manifest->config),
                                        from.BlobPath(manifest->config.digest));
  md.platform = PlatformOf(config);
  return md;
}

}  // namespace

Descriptor WriteIndex(const OciLayout& out, const OciLayout& from,
                      const std::vector<Digest>& manifests, const std::string& tag, bool prune) {
  Index index;
  std::vector<std::pair<Descriptor, Manifest>> images;
  for (const auto& digest : manifests) {
    Manifest manifest;
    Descriptor md = PlatformManifest(from, digest, &manifest);
    for (const auto& other : index.manifests)
      if (*other.platform == *md.platform)
        Fail("manifests {} and {} are both for {}", other.digest.str(), digest.str(),
             PlatformString(*md.platform));
    index.manifests.push_back(md);
    images.emplace_back(md, manifest);
  }
  // Every platform checked first: a bad one leaves `out` untouched.
  for (const auto& [md, manifest] : images) {
    for (const auto& l : manifest.layers) out.LinkBlobFrom(from, l);
    out.LinkBlobFrom(from, manifest.config);
    out.LinkBlobFrom(from, md);
  }
  Descriptor id = out.WriteBlob(ToJson(index), media_type::kOciIndex);
  return out.Tag(id, tag, prune);
}

Descriptor CopyImage(const LoadedImage& image, const OciLayout& out, const std::string& tag,
                     bool link) {
  auto bring = [&](const Descriptor& d) {
    if (link) out.LinkBlobFrom(*image.layout, d);
    else out.CopyBlobFrom(*image.layout, d);
  };
  bring(image.config_descriptor);
  for (const auto& l : image.manifest.layers) bring(l);
  bring(image.manifest_descriptor);
  Descriptor md = image.manifest_descriptor;
  md.annotations.clear();
  return out.Tag(md, tag);
}

}  // namespace ocimake
