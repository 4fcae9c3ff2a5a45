#include "image/image_diff.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/digest.h"
#include "layer/layer_reader.h"
#include "oci/json_fields.h"
#include "oci/platform.h"

namespace ocimake {

namespace {

// A JSON value for a message: compact, cut at 60 characters.
std::string Shown(const json& v) {
  std::string text = Dump(v);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

using Found = std::optional<std::string>;

Found JsonWalk(const json& a, const json& b, const std::string& path,
               const std::vector<std::string>& ignore) {
  if (std::find(ignore.begin(), ignore.end(), path) != ignore.end()) return std::nullopt;
  std::string shown = path.empty() ? "." : path;
  if (a.is_object() && b.is_object()) {
    auto ia = a.begin(), ib = b.begin();  // keys sorted: merge the two lists
    while (ia != a.end() || ib != b.end()) {
      if (ib == b.end() || (ia != a.end() && ia.key() < ib.key()))
        return path + "." + (ia++).key() + " only in A";
      if (ia == a.end() || ib.key() < ia.key()) return path + "." + (ib++).key() + " only in B";
      if (Found f = JsonWalk(*ia, *ib, path + "." + ia.key(), ignore)) return f;
      ++ia;
      ++ib;
    }
    return std::nullopt;
  }
  if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
      if (Found f = JsonWalk(a[i], b[i], fmt::format("{}[{}]", path, i), ignore)) return f;
    if (a.size() == b.size()) return std::nullopt;
    return fmt::format("{} has {} vs {} items", shown, a.size(), b.size());
  }
  if (a == b) return std::nullopt;
  return fmt::format("{} differs ({} vs {})", shown, Shown(a), Shown(b));
}

// The sha256 of the content of the entry `r` gave last.
Digest ContentDigest(LayerReader& r) {
  Sha256 sha;
  r.ReadContent([&](const char* data, size_t size) { sha.Update(data, size); });
  return sha.Finish();
}

std::string Short(const Digest& d) { return d.str().substr(0, 19) + "…"; }

// The first field in which two entries of the same path differ.
Found EntryDifference(const LayerTarEntry& a, const LayerTarEntry& b) {
  auto differs = [&](const char* field, const std::string& va, const std::string& vb) -> Found {
    if (va == vb) return std::nullopt;
    return fmt::format("{}: {} differs ({} vs {})", a.path, field, va, vb);
  };
  Found f = differs("type", TypeName(a.type), TypeName(b.type));
  if (!f) f = differs("mode", fmt::format("{:04o}", a.mode), fmt::format("{:04o}", b.mode));
  if (!f) f = differs("owner", fmt::format("{}:{}", a.uid, a.gid), fmt::format("{}:{}", b.uid, b.gid));
  if (!f) f = differs("mtime", std::to_string(a.mtime), std::to_string(b.mtime));
  if (!f) f = differs("link target", a.link, b.link);
  if (!f) f = differs("size", std::to_string(a.size), std::to_string(b.size));
  return f;
}

// The first difference in the manifests' own fields and the configs.
Found DocumentDifference(const LoadedImage& a, const LoadedImage& b) {
  auto read = [](const LoadedImage& img, const Descriptor& d) {
    std::string body;
    img.layout->ReadBlob(d, [&](const char* data, size_t size) { body.append(data, size); });
    return body;
  };
  if (Found f = JsonDifference(read(a, a.config_descriptor), read(b, b.config_descriptor),
                               {".rootfs.diff_ids"}))
    return "config: " + *f;
  if (Found f = JsonDifference(read(a, a.manifest_descriptor), read(b, b.manifest_descriptor),
                               {".config", ".layers"}))
    return "manifest: " + *f;
  return std::nullopt;
}

// "layer 2 (ocimake: install tree of app)": the 0-based layer `i` of `img`.
std::string LayerName(const LoadedImage& img, size_t i) {
  std::vector<const HistoryEntry*> history = LayerHistory(img.config, img.manifest.layers.size());
  const HistoryEntry* h = history[i];
  return fmt::format("layer {}{}", i + 1,
                     h && !h->created_by.empty() ? " (" + h->created_by + ")" : "");
}

Found LayerDifference(const LoadedImage& a, const LoadedImage& b, size_t i) {
  const Descriptor& la = a.manifest.layers[i];
  const Descriptor& lb = b.manifest.layers[i];
  if (la.digest == lb.digest) return std::nullopt;
  std::string name = LayerName(a, i);
  for (const auto* img : {&a, &b})
    if (!img->layout->VerifyBlob(img->manifest.layers[i]))
      return fmt::format("{}: {}: blob missing or does not match its digest", name, img->name);
  Found f = LayerTarDifference(a.layout->BlobPath(la.digest), b.layout->BlobPath(lb.digest));
  if (f) return name + ": " + *f;
  if (la.media_type != lb.media_type)
    return fmt::format("{}: media type differs ({} vs {})", name, la.media_type, lb.media_type);
  Digest da = UncompressedDigest(a.layout->BlobPath(la.digest));
  Digest db = UncompressedDigest(b.layout->BlobPath(lb.digest));
  if (da != db)
    return fmt::format("{}: tar bytes differ, not the entries ({} vs {})", name, Short(da),
                       Short(db));
  return fmt::format("{}: compressed bytes differ ({} vs {})", name, Short(la.digest),
                     Short(lb.digest));
}

}  // namespace

Found JsonDifference(const std::string& json_a, const std::string& json_b,
                     const std::vector<std::string>& ignore) {
  return JsonWalk(ParseStrict(json_a, "A"), ParseStrict(json_b, "B"), "", ignore);
}

Found LayerTarDifference(const std::string& tar_a, const std::string& tar_b) {
  LayerReader ra(tar_a, tar_a), rb(tar_b, tar_b);
  LayerTarEntry a, b;
  for (;;) {
    bool more_a = ra.Next(&a), more_b = rb.Next(&b);
    if (!more_a && !more_b) return std::nullopt;
    if (!more_b || (more_a && a.path < b.path)) return a.path + ": only in A";
    if (!more_a || b.path < a.path) return b.path + ": only in B";
    if (Found f = EntryDifference(a, b)) return f;
    if (a.type != LayerTarEntry::kFile) continue;
    Digest ca = ContentDigest(ra), cb = ContentDigest(rb);
    if (ca != cb)
      return fmt::format("{}: content differs ({} vs {})", a.path, Short(ca), Short(cb));
  }
}

Found ImageDifference(const LoadedImage& a, const LoadedImage& b) {
  if (a.manifest_descriptor.digest == b.manifest_descriptor.digest) return std::nullopt;
  if (Found f = DocumentDifference(a, b)) return f;
  size_t na = a.manifest.layers.size(), nb = b.manifest.layers.size();
  for (size_t i = 0; i < std::min(na, nb); ++i)
    if (Found f = LayerDifference(a, b, i)) return f;
  if (na != nb) return fmt::format("number of layers differs ({} vs {})", na, nb);
  return fmt::format("manifest differs ({} vs {})", Short(a.manifest_descriptor.digest),
                     Short(b.manifest_descriptor.digest));
}

Found PlatformListDifference(const PlatformIndex& a, const PlatformIndex& b) {
  auto list = [](const PlatformIndex& index) {
    std::string out;
    for (const auto& e : index.entries)
      out += (out.empty() ? "" : " ") + (e.platform ? PlatformString(*e.platform) : "(none)");
    return out;
  };
  std::string pa = list(a), pb = list(b);
  if (pa == pb) return std::nullopt;
  return fmt::format("platforms differ ({} vs {})", pa, pb);
}

}  // namespace ocimake
