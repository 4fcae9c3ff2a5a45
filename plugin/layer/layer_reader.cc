#include "layer/layer_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include "base/error.h"
#include "layer/layer_entries.h"

namespace ocimake {

namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

struct ArchiveHandle {
  archive* a = archive_read_new();
  ~ArchiveHandle() { archive_read_free(a); }
};

bool IsRoot(const std::string& name) {
  return name.find_first_not_of("./") == std::string::npos;
}

LayerTarEntry::Type TypeOf(archive_entry* ae) {
  if (archive_entry_hardlink(ae)) return LayerTarEntry::kHardlink;
  switch (archive_entry_filetype(ae)) {
    case AE_IFDIR: return LayerTarEntry::kDir;
    case AE_IFLNK: return LayerTarEntry::kSymlink;
    case AE_IFCHR: return LayerTarEntry::kChar;
    case AE_IFBLK: return LayerTarEntry::kBlock;
    case AE_IFIFO: return LayerTarEntry::kFifo;
    case AE_IFSOCK: return LayerTarEntry::kSocket;
    default: return LayerTarEntry::kFile;
  }
}

// Turns a whiteout name into the deletion it stands for; false when `e` is
// not one. A malformed whiteout (".wh.", ".wh..", ".wh..wh.x") fails.
bool AsWhiteout(LayerTarEntry* e) {
  auto slash = e->path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : e->path.substr(0, slash);
  std::string base = slash == std::string::npos ? e->path : e->path.substr(slash + 1);
  if (base == kOpaqueMarker) {
    *e = LayerTarEntry{LayerTarEntry::kOpaque, dir, 0, 0, ""};
    return true;
  }
  if (base.rfind(kWhiteoutPrefix, 0) != 0) return false;
  std::string hidden = base.substr(4);
  if (hidden.empty() || hidden == "." || hidden == ".." || hidden.rfind(kWhiteoutPrefix, 0) == 0)
    Fail("invalid whiteout '{}'", e->path);
  *e = LayerTarEntry{LayerTarEntry::kWhiteout, dir.empty() ? hidden : dir + "/" + hidden, 0, 0, ""};
  return true;
}

LayerTarEntry ToEntry(archive_entry* ae) {
  const char* name = archive_entry_pathname(ae);
  LayerTarEntry e;
  e.path = NormalizeLayerPath(name ? name : "");
  if (AsWhiteout(&e)) return e;
  e.type = TypeOf(ae);
  e.mode = archive_entry_perm(ae) & 07777;
  e.size = archive_entry_size(ae);
  if (e.type == LayerTarEntry::kHardlink) e.link = NormalizeLayerPath(archive_entry_hardlink(ae));
  if (e.type == LayerTarEntry::kSymlink) {
    const char* target = archive_entry_symlink(ae);
    e.link = target ? target : "";
  }
  return e;
}

}  // namespace

LayerStats ReadLayerEntries(const std::string& path, const std::string& what,
                            const LayerEntryFn& fn) {
  ArchiveHandle h;
  archive_read_support_filter_all(h.a);
  archive_read_support_format_tar(h.a);
  archive_read_support_format_gnutar(h.a);
  if (archive_read_open_filename(h.a, path.c_str(), 1 << 20) != ARCHIVE_OK)
    Fail("{}: {}", what, archive_error_string(h.a));
  LayerStats stats;
  archive_entry* ae;
  for (;;) {
    int rc = archive_read_next_header(h.a, &ae);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) Fail("{}: not a valid tar: {}", what, archive_error_string(h.a));
    const char* name = archive_entry_pathname(ae);
    if (name && IsRoot(name)) continue;
    LayerTarEntry e = WithContext(what, [&] { return ToEntry(ae); });
    ++stats.entries;
    stats.content_bytes += e.size;
    fn(e);
  }
  return stats;
}

LayerStats ReadLayerEntries(const OciLayout& layout, const Descriptor& layer,
                            const LayerEntryFn& fn) {
  std::string what = "layer " + layer.digest.str();
  if (!layout.VerifyBlob(layer)) Fail("{}: missing or does not match its digest", what);
  return ReadLayerEntries(layout.BlobPath(layer.digest), what, fn);
}

std::string ModeString(const LayerTarEntry& e) {
  static constexpr char kTypeChar[] = "-dlhcbps";
  if (e.type == LayerTarEntry::kWhiteout || e.type == LayerTarEntry::kOpaque) return "";
  std::string s(1, kTypeChar[e.type]);
  for (int shift = 6; shift >= 0; shift -= 3) {
    uint32_t bits = (e.mode >> shift) & 7;
    s += (bits & 4) ? 'r' : '-';
    s += (bits & 2) ? 'w' : '-';
    s += (bits & 1) ? 'x' : '-';
  }
  auto special = [&](uint32_t bit, size_t pos, char set) {
    if (e.mode & bit) s[pos] = s[pos] == 'x' ? set : static_cast<char>(set - 'a' + 'A');
  };
  special(04000, 3, 's');
  special(02000, 6, 's');
  special(01000, 9, 't');
  return s;
}

const char* TypeName(LayerTarEntry::Type type) {
  static constexpr const char* kNames[] = {"file", "dir",    "symlink", "hardlink", "char",
                                           "block", "fifo", "socket",  "whiteout", "opaque"};
  return kNames[type];
}

}  // namespace ocimake
