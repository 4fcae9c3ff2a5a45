#include "closure/base_files.h"

#include <map>

#include "base/error.h"
#include "base/strings.h"
#include "layer/layer_reader.h"
#include "oci/image.h"

namespace ocimake {

namespace {

// Removes what is below `dir` ("/usr"), except the paths in `keep`.
void RemoveBelow(std::set<std::string>* files, const std::string& dir,
                 const std::set<std::string>& keep) {
  auto it = files->lower_bound(dir + "/");
  while (it != files->end() && it->compare(0, dir.size() + 1, dir + "/") == 0)
    it = keep.count(*it) ? std::next(it) : files->erase(it);
}

// Adds the paths layer `d` leaves to `files`, takes away those it deletes.
void MergeLayerPaths(const OciLayout& layout, const Descriptor& d, std::set<std::string>* files) {
  std::set<std::string> added;  // by this layer: an opaque marker keeps them
  ReadLayerEntries(layout, d, [&](const LayerTarEntry& e) {
    std::string name = "/" + e.path;
    if (e.type == LayerTarEntry::kOpaque) {
      RemoveBelow(files, e.path.empty() ? "" : name, added);
    } else if (e.type == LayerTarEntry::kWhiteout) {
      RemoveBelow(files, name, {});
      files->erase(name);
    } else {
      files->insert(name);
      added.insert(name);
    }
  });
}

// True when `path` ("etc/passwd") is `dir` or below it ("" is the root).
bool IsAtOrBelow(const std::string& path, const std::string& dir) {
  return dir.empty() || path == dir || path.rfind(dir + "/", 0) == 0;
}

// What layer `d` does to each of `files` (relative path -> content): new
// content, or none when the layer removes it or puts something other than a
// regular file there; a file the layer does not touch is left alone.
void ApplyLayerToFiles(const OciLayout& layout, const Descriptor& d, int64_t max_bytes,
                       std::map<std::string, std::optional<std::string>>* files) {
  std::string what = "layer " + d.digest.str();
  if (!layout.VerifyBlob(d)) Fail("{}: missing or does not match its digest", what);
  LayerReader reader(layout.BlobPath(d.digest), what);
  std::set<std::string> set_here;  // an opaque marker hides only lower layers' files
  LayerTarEntry e;
  while (reader.Next(&e)) {
    for (auto& [path, content] : *files) {
      bool hides = (e.type == LayerTarEntry::kWhiteout && IsAtOrBelow(path, e.path)) ||
                   (e.type == LayerTarEntry::kOpaque && IsAtOrBelow(path, e.path) &&
                    path != e.path && !set_here.count(path));
      if (hides || (e.path == path && e.type != LayerTarEntry::kFile)) content.reset();
      if (e.path != path || e.type != LayerTarEntry::kFile) continue;
      if (e.size > max_bytes)
        Fail("/{}: {} bytes, more than the {} expected", path, e.size, max_bytes);
      std::string data;
      reader.ReadContent([&](const char* p, size_t n) { data.append(p, n); });
      content = std::move(data);
      set_here.insert(path);
    }
  }
}

}  // namespace

std::map<std::string, std::string> ReadImageFiles(const LoadedImage& image,
                                                  const std::vector<std::string>& paths,
                                                  int64_t max_bytes) {
  std::map<std::string, std::optional<std::string>> files;
  for (const auto& p : paths) files[Trim(p, "/")];
  for (const auto& l : image.manifest.layers)
    WithContext(image.name, [&] { ApplyLayerToFiles(*image.layout, l, max_bytes, &files); });
  std::map<std::string, std::string> out;
  for (auto& [path, content] : files)
    if (content) out["/" + path] = std::move(*content);
  return out;
}

std::set<std::string> ListImageFiles(const LoadedImage& image) {
  std::set<std::string> files;
  for (const auto& l : image.manifest.layers)
    WithContext(image.name, [&] { MergeLayerPaths(*image.layout, l, &files); });
  return files;
}

}  // namespace ocimake
