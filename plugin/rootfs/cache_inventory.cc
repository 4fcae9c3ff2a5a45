#include "rootfs/cache_inventory.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "oci/oci_layout.h"
#include "oci/ref_name.h"
#include "registry/registry_cache.h"
#include "rootfs/toolchain_cache.h"

namespace ocimake {

namespace fs = std::filesystem;

namespace {

constexpr const char* kKinds[] = {"toolchain", "rootfs", "debs", "mount",
                                  "oci",       "repos",  "diff_ids"};

int KindOrder(const std::string& kind) {
  for (int i = 0; i < static_cast<int>(std::size(kKinds)); ++i)
    if (kind == kKinds[i]) return i;
  return static_cast<int>(std::size(kKinds));
}

int64_t MtimeOf(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) : 0;
}

// The newer of the entry's mtime and its lock file's (touched by each use).
int64_t LastUse(const std::string& path) {
  return std::max(MtimeOf(path), MtimeOf(path + ".lock"));
}

// Allocated bytes of a file or tree, each inode once.
uint64_t DiskUsage(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = static_cast<uint64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return total;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (lstat(it->path().c_str(), &st) != 0) continue;
    if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !seen.insert({st.st_dev, st.st_ino}).second)
      continue;
    total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

// The names in `dir`, sorted, that are directories (or with `files`,
// regular files), leaving out dot names, locks and temp files.
std::vector<std::string> Names(const std::string& dir, bool files) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name[0] == '.' || EndsWith(name, ".lock") || name.find(".tmp-") != std::string::npos)
      continue;
    struct stat st;
    if (lstat(JoinPath(dir, name).c_str(), &st) != 0) continue;
    if (files ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode)) out.push_back(name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

CacheEntry DirEntry(const CacheInventory& inv, const std::string& kind, const std::string& rel,
                    const std::string& name) {
  std::string path = JoinPath(inv.dir, rel);
  CacheEntry e{kind, name, rel, "", DiskUsage(path), LastUse(path), {}};
  if (kind == "rootfs") e.bytes += DiskUsage(path + ".owners");
  if (kind == "toolchain") {
    std::string spec = ToolchainSpecFile(JoinPath(path, "rootfs"));
    if (PathExists(spec)) {
      for (const auto& line : Split(ReadFile(spec, 1 << 16), '\n'))
        if (!line.empty() && line.back() != ' ' && !StartsWith(line, "ocimake-toolchain-"))
          e.detail += (e.detail.empty() ? "" : ", ") + line;
    }
  }
  return e;
}

void AddDirectories(CacheInventory* inv) {
  for (const auto& n : Names(JoinPath(inv->dir, "toolchains"), false))
    inv->entries.push_back(DirEntry(*inv, "toolchain", "toolchains/" + n, n));
  for (const auto& n : Names(JoinPath(inv->dir, "rootfs"), false))
    if (!EndsWith(n, ".new")) inv->entries.push_back(DirEntry(*inv, "rootfs", "rootfs/" + n, n));
  for (const auto& n : Names(JoinPath(inv->dir, "debs"), false))
    inv->entries.push_back(DirEntry(*inv, "debs", "debs/" + n, n));
  for (const auto& key : Names(JoinPath(inv->dir, "mounts"), false))
    for (const auto& id : Names(JoinPath(inv->dir, "mounts/" + key), false))
      inv->entries.push_back(
          DirEntry(*inv, "mount", "mounts/" + key + "/" + id, key.substr(0, 12) + "/" + id));
  for (const auto& n : Names(JoinPath(inv->dir, "repos"), true)) {
    std::string path = JoinPath(inv->dir, "repos/" + n);
    inv->entries.push_back({"repos", n, "repos/" + n, "", DiskUsage(path), MtimeOf(path), {}});
  }
  std::string diff_ids = JoinPath(inv->dir, "diff_ids");
  if (IsDirectory(diff_ids))
    inv->entries.push_back({"diff_ids", "diff_ids", "diff_ids", "", DiskUsage(diff_ids),
                            MtimeOf(JoinPath(diff_ids, "sha256")), {}});
}

// One entry per manifest of oci/'s index.json, named by its smallest
// reference (an image is tagged by tag and by digest, per platform).
void AddPulledImages(CacheInventory* inv) {
  std::string dir = CacheLayoutDir(inv->dir);
  if (!OciLayout::IsLayout(dir)) return;
  OciLayout layout = OciLayout::Open(dir);
  std::map<std::string, Index> by_digest;
  for (const auto& m : layout.ReadIndex().manifests) by_digest[m.digest.str()].manifests.push_back(m);
  for (const auto& [digest, index] : by_digest) {
    std::vector<std::string> names;
    for (const auto& m : index.manifests) {
      RefName ref = EntryName(m);
      names.push_back(ref.full.empty() ? ref.tag : ref.full);
    }
    std::sort(names.begin(), names.end());
    CacheEntry e{"oci", names.front().empty() ? digest : names.front(), "oci", digest, 0, 0, {}};
    std::optional<std::set<std::string>> blobs = layout.ReachableBlobs(index);
    if (blobs) e.blobs.assign(blobs->begin(), blobs->end());
    for (const auto& hex : e.blobs) e.bytes += DiskUsage(JoinPath(dir, "blobs/sha256/" + hex));
    e.last_used = MtimeOf(layout.BlobPath(index.manifests.front().digest));
    inv->entries.push_back(std::move(e));
  }
}

}  // namespace

CacheInventory ListCache(const std::string& cache_dir) {
  CacheInventory inv;
  inv.dir = cache_dir;
  if (!IsDirectory(cache_dir)) return inv;
  AddDirectories(&inv);
  WithContext(CacheLayoutDir(cache_dir), [&] { AddPulledImages(&inv); });
  std::stable_sort(inv.entries.begin(), inv.entries.end(),
                   [](const CacheEntry& a, const CacheEntry& b) {
                     int ka = KindOrder(a.kind), kb = KindOrder(b.kind);
                     return ka != kb ? ka < kb : a.name < b.name;
                   });
  inv.total_bytes = DiskUsage(cache_dir);
  return inv;
}

namespace {

// Renames `path` into a fresh temp directory of the cache, then deletes it
// there (directories made writable first: a rootfs has read-only ones).
void MoveAwayAndDelete(const std::string& cache_dir, const std::string& path) {
  TempDir trash(cache_dir, ".pruning-");
  std::string moved = JoinPath(trash.path(), "entry");
  if (rename(path.c_str(), moved.c_str()) != 0) {
    if (errno == ENOENT) return;
    FailErrno("moving " + path + " out of the cache");
  }
  std::error_code ec;
  fs::recursive_directory_iterator it(moved, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (lstat(it->path().c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      chmod(it->path().c_str(), (st.st_mode & 07777) | S_IRWXU);
  }
  RemoveTree(moved);
}

// Removes one entry; false when it is in use.
bool RemoveEntry(const CacheInventory& inv, const CacheEntry& e) {
  std::string path = JoinPath(inv.dir, e.path);
  if (e.kind == "oci")
    return OciLayout::Open(path).PruneEntries(
        [&](const Descriptor& d) { return d.digest.str() == e.detail; });
  if (e.kind == "diff_ids") {
    MoveAwayAndDelete(inv.dir, path);
    return true;
  }
  CacheEntryLock lock(path + ".lock");
  if (!lock.held()) return false;
  if (e.kind == "repos") {
    RemoveFileIfExists(path);
    return true;
  }
  if (e.kind == "rootfs") RemoveFileIfExists(path + ".owners");  // incomplete from now on
  MoveAwayAndDelete(inv.dir, path);
  return true;
}

// What removing an entry frees: its bytes, but of an oci image only the
// blobs no other image kept holds.
class FreedBytes {
 public:
  explicit FreedBytes(const CacheInventory& inv) {
    for (const auto& e : inv.entries)
      for (const auto& hex : e.blobs) {
        ++refs_[hex];
        sizes_[hex] = DiskUsage(JoinPath(CacheLayoutDir(inv.dir), "blobs/sha256/" + hex));
      }
  }
  uint64_t Of(const CacheEntry& e) const {
    if (e.kind != "oci") return e.bytes;
    uint64_t freed = 0;
    for (const auto& hex : e.blobs)
      if (refs_.at(hex) == 1) freed += sizes_.at(hex);
    return freed;
  }
  void Remove(const CacheEntry& e) {
    for (const auto& hex : e.blobs) --refs_[hex];
  }

 private:
  std::map<std::string, int> refs_;
  std::map<std::string, uint64_t> sizes_;
};

}  // namespace

uint64_t PruneCache(const CacheInventory& inv, const PrunePolicy& policy,
                    const std::function<void(const PruneStep&)>& report) {
  std::vector<const CacheEntry*> order;
  for (const auto& e : inv.entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const CacheEntry* a, const CacheEntry* b) {
    return a->last_used < b->last_used;  // ties: the listing's order
  });
  FreedBytes freed_by(inv);
  uint64_t total = inv.total_bytes, freed = 0;
  for (const CacheEntry* e : order) {
    bool old = policy.older_than && e->last_used < policy.now - *policy.older_than;
    bool over = policy.max_bytes && total > *policy.max_bytes;
    if (!old && !over) continue;
    uint64_t bytes = freed_by.Of(*e);
    if (!policy.dry_run && !WithContext(e->kind + " " + e->name, [&] {
          return RemoveEntry(inv, *e);
        })) {
      report({e, 0, true});
      continue;
    }
    freed_by.Remove(*e);
    total -= std::min(total, bytes);
    freed += bytes;
    report({e, bytes, false});
  }
  return freed;
}

}  // namespace ocimake
