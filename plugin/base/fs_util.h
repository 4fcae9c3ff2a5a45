// File-system helpers with the crash-safety rules written down once:
// every file we publish is written to a temp file beside it, fsynced, renamed
// into place, and its directory fsynced. A kill -9 at any point leaves the old
// file or the new one, never a torn one.
#ifndef OCIMAKE_BASE_FS_UTIL_H_
#define OCIMAKE_BASE_FS_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

// A temp file created beside `target`; Commit() renames it over `target`.
// Destroyed without Commit(), it is removed.
// A file written to a temp file beside its target ("<target>.tmp-XXXXXX",
// flock()ed while it is written) and renamed over it on Commit; the temp
// is removed when the object goes uncommitted.
class AtomicFile {
 public:
  explicit AtomicFile(std::string target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_; }
  void Write(const void* data, size_t size);
  void Write(std::string_view bytes) { Write(bytes.data(), bytes.size()); }
  // fsync, rename over the target, fsync the directory.
  void Commit() { CommitTo(target_); }
  // The same, to a target decided after writing (a blob named by its digest).
  void CommitTo(const std::string& target);

 private:
  std::string target_;
  std::string temp_;
  int fd_ = -1;
};

void WriteFileAtomic(const std::string& path, std::string_view bytes);
// Rewrites `path` only when its bytes differ, so Ninja's restat sees no change
// (and downstream edges are skipped) when the content is the same. Returns
// true when it wrote.
bool WriteFileIfChanged(const std::string& path, std::string_view bytes);
// Reads a whole file; fails naming the file when it is larger than max_bytes.
std::string ReadFile(const std::string& path, uint64_t max_bytes = 64u << 20);
bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);
void MakeDirs(const std::string& path);
void RemoveTree(const std::string& path);
// Removes a file or symlink; a missing one is no error.
void RemoveFileIfExists(const std::string& path);
void FsyncDirectory(const std::string& dir);
std::string DirName(const std::string& path);
std::string JoinPath(const std::string& a, const std::string& b);
// A hidden file that belongs to `path`, beside it: ("out/stage", "state")
// -> "out/.stage.state". `path` is made absolute; a trailing '/' is ignored.
std::string SidecarPath(const std::string& path, const std::string& what);
// The components of a '/'-separated path, lexically: empty and "." ones
// left out, ".." kept ("/a//./b/../c" is a, b, .., c).
std::vector<std::string> PathComponents(const std::string& path);
std::string AbsolutePath(const std::string& path);

// An exclusive flock() held for the object's lifetime (the lock file is
// created when missing and never removed, so every holder locks one inode).
class FileLock {
 public:
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

// A fresh directory `<parent>/<prefix>XXXXXX` removed (recursively) on
// destruction unless Release()d.
// Where temporary files go: $TMPDIR, else /tmp.
std::string TempParent();

// A fresh directory `parent`/`prefix`XXXXXX, removed with everything in it
// when the object goes (unless released). Like an AtomicFile's temp file,
// it is flock()ed while it lives: RemoveDeadTemps tells it from debris, and
// each new TempDir first removes the dead ones of its prefix in `parent`
// (a killed `ocimake inspect`'s in $TMPDIR, a killed unpack's).
class TempDir {
 public:
  TempDir(const std::string& parent, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Release();
  // Renames the directory `dir` (same file system) over this (still empty)
  // temp, which then holds it: locked first, so no RemoveDeadTemps sees it
  // unlocked, and removed with it when this goes unreleased.
  void Adopt(const std::string& dir);

 private:
  std::string path_;
  int lock_fd_ = -1;
};

// Removes the temp files and directories named `prefix`... in `dir` that a
// killed writer left: those no live process holds (every AtomicFile and
// TempDir holds an flock on its own temp while it lives) and that have not
// changed for `min_age_seconds` (which covers the instant between creating
// a temp and locking it). Each is locked before it is removed, so a live
// writer's temp is never touched. Returns how many were removed.
int RemoveDeadTemps(const std::string& dir, const std::string& prefix,
                    int min_age_seconds = 60);

}  // namespace ocimake

#endif  // OCIMAKE_BASE_FS_UTIL_H_
