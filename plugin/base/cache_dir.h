// Where ocimake keeps what it makes once and reuses (toolchains, unpacked
// images, pulled blobs, the .deb pool): the one default.
#ifndef OCIMAKE_BASE_CACHE_DIR_H_
#define OCIMAKE_BASE_CACHE_DIR_H_

#include <string>

namespace ocimake {

// $OCIMAKE_CACHE_DIR, else $XDG_CACHE_HOME/ocimake, else ~/.cache/ocimake.
std::string DefaultCacheDir();

// An entry of the cache (a toolchain, an unpacked image, the .deb pool of
// an architecture, a cache mount) has a lock file beside it,
// "<entry>.lock": its maker holds it exclusive while making the entry, a
// process that uses the entry holds it shared until it exits, and
// `ocimake cache prune` removes the entry only when it can take the lock
// exclusive without waiting. Each use also sets the lock file's mtime to
// now: the entry's last use.
//
// Holds `lock_path` shared until the process exits (once per path per
// process; waits while a maker or a prune holds it) and marks the use.
void HoldCacheEntry(const std::string& lock_path);

// The prune's side: the lock taken exclusive if no one holds it.
class CacheEntryLock {
 public:
  explicit CacheEntryLock(const std::string& lock_path);
  ~CacheEntryLock();
  CacheEntryLock(const CacheEntryLock&) = delete;
  CacheEntryLock& operator=(const CacheEntryLock&) = delete;
  // False when another process uses or makes the entry.
  bool held() const { return held_; }

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace ocimake

#endif  // OCIMAKE_BASE_CACHE_DIR_H_
