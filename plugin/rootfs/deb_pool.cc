#include "rootfs/deb_pool.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/subprocess.h"

namespace ocimake {

namespace {

std::string HostDebianArch() {
  ProcessResult r = RunProcess({"dpkg", "--print-architecture"}, {}, true);
  std::string arch = FirstLine(r.output);
  if (r.status != 0 || arch.empty())
    Fail("cannot tell the host's Debian architecture (dpkg --print-architecture failed); "
         "give ARCH");
  return arch;
}

// The *.deb names in `dir` (none when it does not exist).
std::vector<std::string> DebFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return names;
    FailErrno("reading " + dir);
  }
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".deb") == 0 && name[0] != '.')
      names.push_back(name);
  }
  closedir(d);
  return names;
}

void FsyncFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening " + path);
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) FailErrno("fsync " + path);
}

}  // namespace

DebPool::DebPool(const std::string& cache_dir, const std::string& arch,
                 const std::string& mirror) {
  std::string a = arch.empty() ? HostDebianArch() : arch;
  if (a.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-,") != std::string::npos)
    Fail("ARCH {}: expected a Debian architecture name (letters, digits, -)", a);
  if (!mirror.empty()) a += "-" + Digest::Of(mirror).hex().substr(0, 12);
  dir_ = JoinPath(cache_dir, "debs/" + a);
}

size_t DebPool::Count() const { return DebFiles(dir_).size(); }

size_t DebPool::Adopt(const std::string& outbox) {
  MakeDirs(dir_);
  size_t added = 0;
  for (const std::string& name : DebFiles(outbox)) {
    std::string from = JoinPath(outbox, name), to = JoinPath(dir_, name);
    if (PathExists(to)) continue;
    FsyncFile(from);
    if (rename(from.c_str(), to.c_str()) != 0) FailErrno("moving " + from + " into " + dir_);
    ++added;
  }
  if (added) FsyncDirectory(dir_);
  return added;
}

}  // namespace ocimake
