// The sha256 and first bytes of files that did not change since the last
// run, kept in a file beside what they belong to (a staging tree's stamp
// hashes every staged file; 680 MB of unchanged data need not be read
// again, and 100,000 files need not be opened to find the ELF ones).
//
// A file is the same when its device, inode, size and mtime (ns) are. Not
// ctime: `cmake --install` chmods every up-to-date file. A file rewritten
// in place with its mtime put back to the same nanosecond and the same size
// is the case this does not see. A file whose mtime is within 2 s of the
// run is not kept (it may still change within the file system's clock
// tick: git's "racy" case).
#ifndef OCIMAKE_BASE_FILE_DIGEST_CACHE_H_
#define OCIMAKE_BASE_FILE_DIGEST_CACHE_H_

#include <sys/stat.h>

#include <unordered_map>
#include <string>

namespace ocimake {

class FileDigestCache {
 public:
  // The cache file of the files below the directory `tree`, beside it:
  // "stage" -> ".stage.digests" (the stage writes it, a split layer of
  // the same tree reads it).
  static std::string BesideTree(const std::string& tree);

  // Reads `cache_file` when it exists; a damaged one is ignored.
  explicit FileDigestCache(std::string cache_file);

  // The hex sha256 of the file at `path` (lstat()ed as `st`).
  std::string DigestOf(const std::string& path, const struct stat& st);
  // Its first kFileHeadBytes bytes (base/digest.h; fewer in a shorter file).
  std::string HeadOf(const std::string& path, const struct stat& st);

  // Writes the digests asked for in this run (temp + rename).
  void Save();

  size_t hits() const { return hits_; }

 private:
  struct Entry {
    std::string key, hex, head;
    bool keep = false;  // saved (not within the racy window)
    // For the files of this run: what `key` was made of.
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    struct timespec mtime = {};
  };
  const Entry& Lookup(const std::string& path, const struct stat& st);

  std::string file_;
  // old_: the file's; now_: every file asked for in this run.
  std::unordered_map<std::string, Entry> old_, now_;
  size_t hits_ = 0;
};

}  // namespace ocimake

#endif  // OCIMAKE_BASE_FILE_DIGEST_CACHE_H_
