#include "base_files.h"

#include <archive.h>
#include <archive_entry.h>

#include "error.h"
#include "layer_entries.h"

namespace ocimake {

namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaque[] = ".wh..wh..opq";

void RemoveBelow(std::set<std::string>* files, const std::string& dir, bool keep_dir) {
  auto it = files->lower_bound(dir + "/");
  while (it != files->end() && it->compare(0, dir.size() + 1, dir + "/") == 0)
    it = files->erase(it);
  if (!keep_dir) files->erase(dir);
}

void ApplyLayer(const OciLayout& layout, const Descriptor& d, std::set<std::string>* files) {
  // The blob is read whole through libarchive (any compression) after it has
  // been verified against its digest.
  if (!layout.VerifyBlob(d)) Fail("layer {}: missing or does not match its digest", d.digest.str());
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  std::string path = layout.BlobPath(d.digest);
  struct Free {
    archive* a;
    ~Free() { archive_read_free(a); }
  } free_a{a};
  if (archive_read_open_filename(a, path.c_str(), 1 << 20) != ARCHIVE_OK)
    Fail("{}: {}", path, archive_error_string(a));
  archive_entry* e;
  std::set<std::string> added;
  for (;;) {
    int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) Fail("{}: {}", path, archive_error_string(a));
    std::string name = "/" + NormalizeLayerPath(archive_entry_pathname(e));
    auto slash = name.rfind('/');
    std::string dir = name.substr(0, slash), base = name.substr(slash + 1);
    if (base == kOpaque) {
      // Opaque: what lower layers had below dir is gone; this layer's own
      // entries (added so far) stay.
      for (auto it = files->lower_bound(dir + "/");
           it != files->end() && it->compare(0, dir.size() + 1, dir + "/") == 0;) {
        it = added.count(*it) ? std::next(it) : files->erase(it);
      }
    } else if (base.rfind(kWhiteoutPrefix, 0) == 0) {
      RemoveBelow(files, dir + "/" + base.substr(4), false);
    } else {
      files->insert(name);
      added.insert(name);
    }
  }
}

}  // namespace

std::set<std::string> ListImageFiles(const LoadedImage& image) {
  std::set<std::string> files;
  for (const auto& l : image.manifest.layers)
    WithContext(image.name + " layer " + l.digest.str(),
                [&] { ApplyLayer(*image.layout, l, &files); });
  return files;
}

}  // namespace ocimake
