#include "layer/layer_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "layer/layer_entries.h"

namespace ocimake {

namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

// The entry's name as a layer path; "" for the root entry ("./", "/").
std::string EntryPath(const char* raw) {
  std::string name = raw ? raw : "";
  if (name.find_first_not_of("./") == std::string::npos && name.find("..") == std::string::npos)
    return "";
  return NormalizeLayerPath(name);  // fails on "..", control characters
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

bool IsSpecial(LayerTarEntry::Type t) {
  return t == LayerTarEntry::kChar || t == LayerTarEntry::kBlock || t == LayerTarEntry::kFifo ||
         t == LayerTarEntry::kSocket;
}

// Turns a whiteout name into the deletion it stands for; false when `e` is
// not one. A malformed whiteout (".wh.", ".wh..", ".wh..wh.x") fails.
bool AsWhiteout(LayerTarEntry* e) {
  auto slash = e->path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : e->path.substr(0, slash);
  std::string base = slash == std::string::npos ? e->path : e->path.substr(slash + 1);
  if (base == kOpaqueMarker) {
    *e = LayerTarEntry();
    e->type = LayerTarEntry::kOpaque;
    e->path = dir;
    return true;
  }
  if (base.rfind(kWhiteoutPrefix, 0) != 0) return false;
  std::string hidden = base.substr(4);
  if (hidden.empty() || hidden == "." || hidden == ".." || hidden.rfind(kWhiteoutPrefix, 0) == 0)
    Fail("invalid whiteout '{}'", e->path);
  *e = LayerTarEntry();
  e->type = LayerTarEntry::kWhiteout;
  e->path = dir.empty() ? hidden : dir + "/" + hidden;
  return true;
}

LayerTarEntry ToEntry(archive_entry* ae, std::string path) {
  LayerTarEntry e;
  e.path = std::move(path);
  if (AsWhiteout(&e)) return e;
  e.type = TypeOf(ae);
  e.mode = archive_entry_perm(ae) & 07777;
  e.size = archive_entry_size(ae);
  if (e.size < 0) Fail("entry '{}': negative size {}", e.path, e.size);
  e.uid = archive_entry_uid(ae);
  e.gid = archive_entry_gid(ae);
  e.mtime = archive_entry_mtime(ae);
  if (e.type == LayerTarEntry::kHardlink) e.link = NormalizeLayerPath(archive_entry_hardlink(ae));
  if (e.type == LayerTarEntry::kSymlink) {
    const char* target = archive_entry_symlink(ae);
    e.link = target ? target : "";
  }
  return e;
}

// Opens `path` for reading: a tar (`raw` false) or one stream of bytes.
archive* OpenArchive(const std::string& path, bool raw, const std::string& what) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  if (raw) {
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
  } else {
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
  }
  if (archive_read_open_filename(a, path.c_str(), 1 << 20) != ARCHIVE_OK) {
    std::string message = archive_error_string(a) ? archive_error_string(a) : "cannot open";
    archive_read_free(a);
    Fail("{}: {}", what, message);
  }
  return a;
}

// Streams the current entry's data to `sink`, holes as zeros; returns the
// number of bytes given. Never more than `limit` (an entry's size: a sparse
// map that places data beyond it, or going back, is refused).
uint64_t StreamData(archive* a, const std::string& what, const ByteSink& sink,
                    uint64_t limit = UINT64_MAX) {
  static const std::vector<char> kZeros(1 << 16);
  const void* buf;
  size_t size;
  la_int64_t offset;
  uint64_t pos = 0;
  for (;;) {
    int rc = archive_read_data_block(a, &buf, &size, &offset);
    if (rc == ARCHIVE_EOF) return pos;
    if (rc < ARCHIVE_WARN) Fail("{}: {}", what, archive_error_string(a));
    if (offset < 0 || static_cast<uint64_t>(offset) < pos ||
        static_cast<uint64_t>(offset) > limit || size > limit - static_cast<uint64_t>(offset))
      Fail("{}: data at offset {} (+{}) outside its size of {} bytes", what, offset, size, limit);
    for (uint64_t n; pos < static_cast<uint64_t>(offset); pos += n) {
      n = std::min<uint64_t>(kZeros.size(), static_cast<uint64_t>(offset) - pos);
      sink(kZeros.data(), n);
    }
    sink(static_cast<const char*>(buf), size);
    pos += size;
  }
}

}  // namespace

struct LayerReader::Archive {
  archive* a;
  ~Archive() { archive_read_free(a); }
};

LayerReader::LayerReader(const std::string& path, std::string what, LayerReadPolicy policy)
    : archive_(new Archive{OpenArchive(path, false, what)}),
      what_(std::move(what)),
      policy_(policy) {}

LayerReader::~LayerReader() = default;

bool LayerReader::Next(LayerTarEntry* entry) {
  for (;;) {
    archive_entry* ae;
    int rc = archive_read_next_header(archive_->a, &ae);
    if (rc == ARCHIVE_EOF) return false;
    if (rc < ARCHIVE_WARN)
      Fail("{}: not a valid tar: {}", what_, archive_error_string(archive_->a));
    if (++headers_ > policy_.max_entries)
      Fail("{}: more than the limit of {} entries", what_, policy_.max_entries);
    const char* raw = archive_entry_pathname(ae);
    current_ = raw ? raw : "";
    std::string path = WithContext(what_, [&] { return EntryPath(raw); });
    if (path.empty()) continue;  // the root
    LayerTarEntry e = WithContext(what_, [&] { return ToEntry(ae, path); });
    if (policy_.skip_special && IsSpecial(e.type)) continue;
    if (policy_.drop_setid) e.mode &= ~06000u;
    ++stats_.entries;
    stats_.content_bytes += e.size;
    current_size_ = static_cast<uint64_t>(e.size);
    if (policy_.bytes_before + static_cast<uint64_t>(stats_.content_bytes) > policy_.max_bytes)
      Fail("{}: entry '{}': unpacks to more than the limit of {} bytes", what_, current_,
           policy_.max_bytes);
    *entry = std::move(e);
    return true;
  }
}

void LayerReader::ReadContent(const ByteSink& sink) {
  StreamData(archive_->a, what_ + ": entry '" + current_ + "'", sink, current_size_);
}

LayerStats ReadLayerEntries(const std::string& path, const std::string& what,
                            const LayerEntryFn& fn) {
  LayerReader reader(path, what);
  LayerTarEntry e;
  while (reader.Next(&e)) fn(e);
  return reader.stats();
}

LayerStats ReadLayerEntries(const OciLayout& layout, const Descriptor& layer,
                            const LayerEntryFn& fn) {
  std::string what = "layer " + layer.digest.str();
  if (!layout.VerifyBlob(layer)) Fail("{}: missing or does not match its digest", what);
  return ReadLayerEntries(layout.BlobPath(layer.digest), what, fn);
}

void ReadDecompressed(const std::string& path, const ByteSink& sink) {
  std::unique_ptr<archive, int (*)(archive*)> a(OpenArchive(path, true, path),
                                                 archive_read_free);
  archive_entry* ae;
  int rc = archive_read_next_header(a.get(), &ae);
  if (rc == ARCHIVE_EOF) return;  // an empty file
  if (rc < ARCHIVE_WARN)
    Fail("{}: not a valid tar archive: {}", path, archive_error_string(a.get()));
  StreamData(a.get(), path, sink);
}

Digest UncompressedDigest(const std::string& path, uint64_t* size) {
  Sha256 h;
  ReadDecompressed(path, [&](const char* p, size_t n) { h.Update(p, n); });
  if (size) *size = h.bytes();
  return h.Finish();
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
