#include "base/cache_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

std::string DefaultCacheDir() {
  if (const char* c = std::getenv("OCIMAKE_CACHE_DIR"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return JoinPath(x, "ocimake");
  const char* home = std::getenv("HOME");
  return JoinPath(home && *home ? home : "/tmp", ".cache/ocimake");
}

void HoldCacheEntry(const std::string& lock_path) {
  static std::mutex mu;
  static std::map<std::string, int> held;  // kept open: closing would drop the lock
  std::lock_guard<std::mutex> guard(mu);
  std::string key = AbsolutePath(lock_path);
  if (held.count(key)) return;
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) FailErrno("opening the cache entry's lock " + lock_path);
  while (flock(fd, LOCK_SH) != 0)
    if (errno != EINTR) FailErrno("locking " + lock_path);
  futimens(fd, nullptr);  // now: the entry's last use
  held[key] = fd;
}

CacheEntryLock::CacheEntryLock(const std::string& lock_path) {
  fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) FailErrno("opening the cache entry's lock " + lock_path);
  held_ = flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

CacheEntryLock::~CacheEntryLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace ocimake
