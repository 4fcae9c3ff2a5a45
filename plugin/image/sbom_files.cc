#include "image/sbom_files.h"

#include <map>
#include <set>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "layer/layer_reader.h"

namespace ocimake {

namespace {

using FileMap = std::map<std::string, SbomFile>;

SbomFile HashContent(LayerReader& reader, const std::string& path) {
  Sha256 sha256;
  Sha1 sha1;
  reader.ReadContent([&](const char* data, size_t size) {
    sha256.Update(data, size);
    sha1.Update(data, size);
  });
  return {path, sha256.Finish(), sha1.FinishHex(), ""};
}

void EraseUnder(FileMap* files, const std::string& dir) {
  std::string prefix = dir.empty() ? "" : dir + "/";
  for (auto it = files->lower_bound(prefix); it != files->end() && StartsWith(it->first, prefix);)
    it = files->erase(it);
}

// Applies one layer's entries to `files`.
void ReadLayer(const OciLayout& layout, const Descriptor& layer, const std::string& what,
               FileMap* files) {
  if (!layout.VerifyBlob(layer)) Fail("{}: missing or does not match its digest", what);
  LayerReader reader(layout.BlobPath(layer.digest), what);
  for (LayerTarEntry e; reader.Next(&e);) {
    if (e.type == LayerTarEntry::kOpaque) {
      EraseUnder(files, e.path);
      continue;
    }
    files->erase(e.path);
    if (e.type == LayerTarEntry::kWhiteout) {
      EraseUnder(files, e.path);
    } else if (e.type == LayerTarEntry::kFile) {
      (*files)[e.path] = HashContent(reader, e.path);
    } else if (e.type == LayerTarEntry::kHardlink && files->count(e.link)) {
      SbomFile f = files->at(e.link);
      f.path = e.path;
      (*files)[e.path] = f;
    }
  }
}

std::set<std::string> Paths(const std::vector<LayerEntry>& entries) {
  std::set<std::string> out;
  for (const auto& e : entries) out.insert(e.path);
  return out;
}

bool IsLibraryName(const std::string& path) {
  return path.substr(path.rfind('/') + 1).find(".so") != std::string::npos;
}

// The package of a file the closure or RUNTIME_PACKAGES brought; nullptr
// for the project's own library.
const DebianPackage* PackagedOwner(const DpkgIndex& index, const SbomOrigins& origins,
                                   const std::string& path, bool runtime) {
  if (const DebianPackage* owner = index.Owner("/" + path)) return owner;
  if (runtime) {
    std::string dir = "/" + DirName(path);
    if (const DebianPackage* owner = index.OwnerAmong(dir, origins.runtime_packages)) return owner;
    Fail("SBOM: /{}: a RUNTIME_PACKAGES file that no package of {} lists, nor its directory "
         "one of RUNTIME_PACKAGES", path, origins.root);
  }
  if (IsLibraryName(path)) return nullptr;
  Fail("SBOM: /{}: a file of the closure that no Debian package of {} owns", path, origins.root);
}

}  // namespace

std::vector<SbomFile> OwnLayerFiles(const LoadedImage& image, size_t base_layers) {
  const auto& layers = image.manifest.layers;
  if (base_layers > layers.size())
    Fail("{}: {} layers, fewer than its base's {}", image.name, layers.size(), base_layers);
  FileMap files;
  for (size_t i = base_layers; i < layers.size(); ++i)
    ReadLayer(*image.layout, layers[i], fmt::format("{}: layer {}", image.name, i + 1), &files);
  std::vector<SbomFile> out;
  for (auto& [path, f] : files) out.push_back(std::move(f));
  return out;
}

std::vector<DebianPackage> AssignPackages(const DpkgIndex& index, const SbomOrigins& origins,
                                          std::vector<SbomFile>* files) {
  std::map<std::string, DebianPackage> used;
  if (index.empty()) return {};
  std::set<std::string> closure = Paths(origins.closure), runtime = Paths(origins.runtime);
  for (auto& f : *files) {
    bool from_runtime = runtime.count(f.path) > 0;
    if (!from_runtime && !closure.count(f.path)) continue;
    const DebianPackage* owner = PackagedOwner(index, origins, f.path, from_runtime);
    if (!owner) continue;
    f.package = owner->name;
    if (!used.count(owner->name)) used.emplace(owner->name, index.WithLicense(*owner));
  }
  std::vector<DebianPackage> out;
  for (auto& [name, pkg] : used) out.push_back(pkg);
  return out;
}

namespace {

// How many of `image`'s layers are its base's, as its SBOM tells (see
// VerifySbomFiles).
size_t BaseLayersBySbom(const LoadedImage& image, const std::map<std::string, Digest>& listed) {
  const auto& layers = image.manifest.layers;
  if (!image.manifest.annotations.count("org.opencontainers.image.base.digest")) return 0;
  size_t base = layers.size();
  for (size_t i = layers.size(); i-- > 0;) {
    FileMap files;
    ReadLayer(*image.layout, layers[i], fmt::format("{}: layer {}", image.name, i + 1), &files);
    bool lists_one = false;
    for (const auto& [path, f] : files) lists_one = lists_one || listed.count(path) > 0;
    if (!files.empty() && !lists_one) break;
    if (lists_one) base = i;
  }
  return base;
}

}  // namespace

SbomVerification VerifySbomFiles(const LoadedImage& image,
                                 const std::map<std::string, Digest>& listed) {
  SbomVerification v;
  v.base_layers = BaseLayersBySbom(image, listed);
  std::vector<SbomFile> files = OwnLayerFiles(image, v.base_layers);
  v.files = files.size();
  std::set<std::string> seen;
  for (const auto& f : files) {
    seen.insert(f.path);
    auto it = listed.find(f.path);
    if (it == listed.end())
      v.problems.push_back(fmt::format("/{}: in the image, not in the SBOM", f.path));
    else if (it->second != f.sha256)
      v.problems.push_back(fmt::format("/{}: sha256 {} in the image, {} in the SBOM", f.path,
                                       f.sha256.hex(), it->second.hex()));
  }
  for (const auto& [path, sha256] : listed)
    if (!seen.count(path))
      v.problems.push_back(fmt::format("/{}: in the SBOM, not in the image's own layers", path));
  return v;
}

}  // namespace ocimake
