#include "image/sbom_files.h"

#include <sys/stat.h>

#include <cstring>
#include <map>
#include <set>
#include <sstream>

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

// One layer's records, read from its blob.
std::vector<LayerFileRecord> ReadLayerRecords(const OciLayout& layout, const Descriptor& layer,
                                              const std::string& what) {
  if (!layout.VerifyBlob(layer)) Fail("{}: missing or does not match its digest", what);
  LayerReader reader(layout.BlobPath(layer.digest), what);
  std::vector<LayerFileRecord> records;
  for (LayerTarEntry e; reader.Next(&e);) {
    LayerFileRecord r;
    r.path = e.path;
    switch (e.type) {
      case LayerTarEntry::kOpaque: r.kind = 'o'; break;
      case LayerTarEntry::kWhiteout: r.kind = 'w'; break;
      case LayerTarEntry::kHardlink: r.kind = 'h', r.link = e.link; break;
      case LayerTarEntry::kFile: {
        SbomFile f = HashContent(reader, e.path);
        r.sha256 = f.sha256;
        r.sha1 = f.sha1;
        break;
      }
      default: r.kind = 'x';
    }
    records.push_back(std::move(r));
  }
  return records;
}

// Applies one layer's records to `files`.
void ApplyRecords(const std::vector<LayerFileRecord>& records, FileMap* files) {
  for (const auto& r : records) {
    if (r.kind == 'o') {
      EraseUnder(files, r.path);
      continue;
    }
    files->erase(r.path);
    if (r.kind == 'w') {
      EraseUnder(files, r.path);
    } else if (r.kind == 'f') {
      (*files)[r.path] = {r.path, r.sha256, r.sha1, ""};
    } else if (r.kind == 'h' && files->count(r.link)) {
      SbomFile f = files->at(r.link);
      f.path = r.path;
      (*files)[r.path] = f;
    }
  }
}

// Applies one layer to `files`, through `cache` when there is one.
void ReadLayer(const OciLayout& layout, const Descriptor& layer, const std::string& what,
               FileMap* files, LayerFilesCache* cache = nullptr) {
  struct stat st;
  if (cache && stat(layout.BlobPath(layer.digest).c_str(), &st) == 0 &&
      static_cast<int64_t>(st.st_size) == layer.size)
    if (const auto* records = cache->Find(layer.digest)) return ApplyRecords(*records, files);
  std::vector<LayerFileRecord> records = ReadLayerRecords(layout, layer, what);
  ApplyRecords(records, files);
  if (cache) cache->Put(layer.digest, std::move(records));
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

std::vector<SbomFile> OwnLayerFiles(const LoadedImage& image, size_t base_layers,
                                    LayerFilesCache* cache) {
  const auto& layers = image.manifest.layers;
  if (base_layers > layers.size())
    Fail("{}: {} layers, fewer than its base's {}", image.name, layers.size(), base_layers);
  FileMap files;
  for (size_t i = base_layers; i < layers.size(); ++i)
    ReadLayer(*image.layout, layers[i], fmt::format("{}: layer {}", image.name, i + 1), &files,
              cache);
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

namespace {

constexpr char kCacheHeader[] = "ocimake-sbom-layers 1";

// "<kind> <sha256|-> <sha1|-> <path bytes> <link bytes>\n<path><link>\n"
void WriteRecord(const LayerFileRecord& r, std::string* out) {
  *out += fmt::format("{} {} {} {} {}\n", r.kind, r.sha256.empty() ? "-" : r.sha256.hex(),
                      r.sha1.empty() ? "-" : r.sha1, r.path.size(), r.link.size());
  *out += r.path + r.link + "\n";
}

bool ReadRecord(std::istream& in, LayerFileRecord* r) {
  std::string sha256, sha1;
  size_t path_bytes = 0, link_bytes = 0;
  if (!(in >> r->kind >> sha256 >> sha1 >> path_bytes >> link_bytes) || in.get() != '\n' ||
      path_bytes > 65536 || link_bytes > 65536 || !std::strchr("fhwox", r->kind))
    return false;
  std::string text(path_bytes + link_bytes + 1, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size())) || text.back() != '\n')
    return false;
  r->path = text.substr(0, path_bytes);
  r->link = text.substr(path_bytes, link_bytes);
  r->sha1 = sha1 == "-" ? "" : sha1;
  if (sha256 != "-") {
    if (!Digest::IsValid("sha256:" + sha256)) return false;
    r->sha256 = Digest::FromHex(sha256);
  }
  return true;
}

// The layers of a cache file; an empty map for a damaged one.
std::map<Digest, std::vector<LayerFileRecord>> ReadLayerCache(const std::string& file) {
  std::map<Digest, std::vector<LayerFileRecord>> layers;
  std::istringstream in(ReadFile(file, uint64_t{1} << 32));
  std::string line;
  if (!std::getline(in, line) || line != kCacheHeader) return {};
  while (std::getline(in, line)) {  // "layer <digest> <count>", then the records
    std::istringstream head(line);
    std::string word, digest, more;
    size_t count = 0;
    if (!(head >> word >> digest >> count) || (head >> more) || word != "layer" ||
        !Digest::IsValid(digest) || count > (1u << 24))
      return {};
    std::vector<LayerFileRecord>& records = layers[Digest::Parse(digest)];
    records.resize(count);
    for (auto& r : records)
      if (!ReadRecord(in, &r)) return {};
  }
  return layers;
}

}  // namespace

LayerFilesCache::LayerFilesCache(std::string file) : file_(std::move(file)) {
  if (PathExists(file_)) old_ = ReadLayerCache(file_);
}

const std::vector<LayerFileRecord>* LayerFilesCache::Find(const Digest& layer) {
  if (auto it = now_.find(layer); it != now_.end()) return &it->second;
  auto it = old_.find(layer);
  if (it == old_.end()) return nullptr;
  ++hits_;
  return &(now_[layer] = std::move(it->second));
}

void LayerFilesCache::Put(const Digest& layer, std::vector<LayerFileRecord> records) {
  now_[layer] = std::move(records);
}

void LayerFilesCache::Save() {
  std::string text = std::string(kCacheHeader) + "\n";
  for (const auto& [digest, records] : now_) {
    text += fmt::format("layer {} {}\n", digest.str(), records.size());
    for (const auto& r : records) WriteRecord(r, &text);
  }
  WriteFileAtomic(file_, text);
}

}  // namespace ocimake
