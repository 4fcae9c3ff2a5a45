// Every entry of the cache directory (base/cache_dir.h) as a unit that
// `ocimake cache ls` lists and `ocimake cache prune` removes whole:
//   toolchain  toolchains/<key>/       a toolchain rootfs (toolchain_cache.h)
//   rootfs     rootfs/<manifest hex>   an unpacked image (`ocimake run`, closure)
//   debs       debs/<arch>/            the .deb pool of DEBIAN toolchains
//   mount      mounts/<key>/<id>/      a build stage's cache mount (CACHE_MOUNTS)
//   oci        an image of oci/        a pulled image (manifest, config, layers)
//   repos      repos/<registry>        which repositories hold which blobs
//   diff_ids   diff_ids/               checked blob -> diff_id records
// Last used: the newer of the entry's mtime and its lock file's
// ("<entry>.lock", which each use touches: HoldCacheEntry); for an image of
// oci/, its manifest blob's mtime (each pull or base lookup touches it).
//
// Removing never takes an entry in use. toolchain, rootfs, debs, mount:
// the entry's lock taken exclusive without waiting (a build using it holds
// it shared), then the entry renamed into a temp directory of the cache
// and deleted there, so no reader sees half of it. oci: the layout's own
// prune (OciLayout::PruneEntries) under its writers' lock, which every
// process using oci/ holds. repos: its file's record lock. diff_ids:
// renamed away (a missing record is recomputed).
#ifndef OCIMAKE_ROOTFS_CACHE_INVENTORY_H_
#define OCIMAKE_ROOTFS_CACHE_INVENTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ocimake {

struct CacheEntry {
  std::string kind;    // as above
  std::string name;    // key, manifest hex, arch, id, image reference, registry
  std::string path;    // relative to the cache directory
  std::string detail;  // toolchain: what it was made from; oci: its digest
  uint64_t bytes = 0;  // disk usage (an oci image: all its blobs, shared ones too)
  int64_t last_used = 0;           // seconds since the epoch
  std::vector<std::string> blobs;  // oci: the hex digests of its blobs
};

struct CacheInventory {
  std::string dir;
  std::vector<CacheEntry> entries;  // by kind (the order above), then name
  uint64_t total_bytes = 0;         // disk usage of the whole directory
};

// The entries of `cache_dir` (none when it does not exist).
CacheInventory ListCache(const std::string& cache_dir);

struct PrunePolicy {
  std::optional<uint64_t> max_bytes;        // until the total is at most this
  std::optional<int64_t> older_than;        // seconds: every entry unused longer
  int64_t now = 0;
  bool dry_run = false;
};

struct PruneStep {
  const CacheEntry* entry;
  uint64_t freed;  // 0 when skipped
  bool in_use;     // skipped: another process uses it
};

// Removes entries, least recently used first, as `policy` asks; reports
// each one removed (or, dry run, that would be) or skipped as in use.
// Returns the bytes freed.
uint64_t PruneCache(const CacheInventory& inventory, const PrunePolicy& policy,
                    const std::function<void(const PruneStep&)>& report);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_CACHE_INVENTORY_H_
