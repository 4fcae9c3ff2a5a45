#include "closure/base_files.h"

#include "base/error.h"
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

}  // namespace

std::set<std::string> ListImageFiles(const LoadedImage& image) {
  std::set<std::string> files;
  for (const auto& l : image.manifest.layers)
    WithContext(image.name, [&] { MergeLayerPaths(*image.layout, l, &files); });
  return files;
}

}  // namespace ocimake
