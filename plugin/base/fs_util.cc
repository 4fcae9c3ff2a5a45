#include "base/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <vector>

#include "base/error.h"

namespace ocimake {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
  std::string pattern = target_ + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  fd_ = mkostemp(buf.data(), O_CLOEXEC);
  if (fd_ < 0) FailErrno("creating temp file for " + target_);
  temp_ = buf.data();
  flock(fd_, LOCK_EX | LOCK_NB);  // alive: RemoveDeadTemps leaves it be
  // mkstemp creates 0600; published files are world-readable like any
  // build output (the mode is fixed, not taken from the umask).
  fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

void AtomicFile::Write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      FailErrno("writing " + target_);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFile::CommitTo(const std::string& target) {
  if (fsync(fd_) != 0) FailErrno("fsync " + temp_);
  if (close(fd_) != 0) {
    fd_ = -1;
    FailErrno("closing " + temp_);
  }
  fd_ = -1;
  if (rename(temp_.c_str(), target.c_str()) != 0)
    FailErrno("renaming " + temp_ + " to " + target);
  temp_.clear();
  FsyncDirectory(DirName(target));
}

void WriteFileAtomic(const std::string& path, std::string_view bytes) {
  AtomicFile f(path);
  f.Write(bytes);
  f.Commit();
}

bool WriteFileIfChanged(const std::string& path, std::string_view bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && static_cast<size_t>(st.st_size) == bytes.size()) {
    if (ReadFile(path, bytes.size()) == bytes) return false;
  }
  WriteFileAtomic(path, bytes);
  return true;
}

std::string ReadFile(const std::string& path, uint64_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening " + path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      close(fd);
      errno = saved;
      FailErrno("reading " + path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      close(fd);
      Fail("{}: larger than the limit of {} bytes", path, max_bytes);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void MakeDirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) Fail("creating directory {}: {}", path, ec.message());
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) Fail("removing {}: {}", path, ec.message());
}

void RemoveFileIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) FailErrno("removing " + path);
}

void FsyncDirectory(const std::string& dir) {
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening directory " + dir);
  fsync(fd);
  close(fd);
}

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string SidecarPath(const std::string& path, const std::string& what) {
  std::string full = AbsolutePath(path);
  while (full.size() > 1 && full.back() == '/') full.pop_back();
  return JoinPath(DirName(full), "." + full.substr(full.rfind('/') + 1) + "." + what);
}

std::vector<std::string> PathComponents(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(path);
  std::string part;
  while (std::getline(in, part, '/'))
    if (!part.empty() && part != ".") parts.push_back(part);
  return parts;
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  if (a.back() == '/') return a + (b.front() == '/' ? b.substr(1) : b);
  return a + (b.front() == '/' ? b : "/" + b);
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto p = fs::absolute(path, ec);
  if (ec) Fail("{}: {}", path, ec.message());
  return p.lexically_normal().string();
}

FileLock::FileLock(const std::string& path) {
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) FailErrno("opening lock file " + path);
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) FailErrno("locking " + path);
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the lock
}

std::string TempParent() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

TempDir::TempDir(const std::string& parent, const std::string& prefix) {
  MakeDirs(parent);
  RemoveDeadTemps(parent, prefix);  // what a killed process left of its kind
  std::string pattern = JoinPath(parent, prefix + "XXXXXX");
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) FailErrno("creating temp directory in " + parent);
  path_ = buf.data();
  lock_fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ >= 0) flock(lock_fd_, LOCK_EX | LOCK_NB);  // alive: see RemoveDeadTemps
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  if (lock_fd_ >= 0) close(lock_fd_);
}

void TempDir::Adopt(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening " + dir);
  flock(fd, LOCK_EX | LOCK_NB);
  if (rename(dir.c_str(), path_.c_str()) != 0) {
    close(fd);
    FailErrno("renaming " + dir + " to " + path_);
  }
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = fd;
}

std::string TempDir::Release() {
  std::string p = std::move(path_);
  path_.clear();
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
  return p;
}

namespace {

// Removes `path` (a temp `dirfd` holds) when no process holds its lock and
// it is older than `min_age`; the lock is held while it goes.
bool RemoveIfDead(int dirfd, const std::string& name, const std::string& path, time_t min_age) {
  int fd = openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;  // gone, or a symlink: not ours
  struct stat st;
  bool removed = false;
  if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
      st.st_mtime + min_age <= time(nullptr) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    std::error_code ec;
    removed = S_ISDIR(st.st_mode) ? fs::remove_all(path, ec) > 0
                                  : unlinkat(dirfd, name.c_str(), 0) == 0;
  }
  close(fd);
  return removed;
}

}  // namespace

int RemoveDeadTemps(const std::string& dir, const std::string& prefix, int min_age_seconds) {
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (std::string_view(e->d_name).substr(0, prefix.size()) == prefix) names.push_back(e->d_name);
  int removed = 0;
  for (const auto& name : names)
    removed += RemoveIfDead(dirfd(d), name, JoinPath(dir, name), min_age_seconds) ? 1 : 0;
  closedir(d);
  return removed;
}

}  // namespace ocimake
