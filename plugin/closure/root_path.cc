#include "closure/root_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's MAXSYMLINKS

std::deque<std::string> Split(const std::string& path) {
  std::vector<std::string> parts = PathComponents(path);
  return std::deque<std::string>(parts.begin(), parts.end());
}

std::string ReadLinkAt(const std::string& host_path) {
  std::string target(4096, '\0');
  ssize_t n = readlink(host_path.c_str(), target.data(), target.size());
  if (n < 0) FailErrno("readlink " + host_path);
  target.resize(static_cast<size_t>(n));
  return target;
}

}  // namespace

std::string HostPath(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return JoinPath(root, path);
}

bool ResolveInRoot(const std::string& root, const std::string& path, RootResolution* out) {
  std::deque<std::string> todo = Split(path);
  std::vector<std::string> done;  // canonical components so far
  int links = 0;
  out->symlinks.clear();
  auto current = [&] {
    std::string p;
    for (const auto& c : done) p += "/" + c;
    return p.empty() ? std::string("/") : p;
  };
  while (!todo.empty()) {
    std::string part = todo.front();
    todo.pop_front();
    if (part == "..") {
      if (!done.empty()) done.pop_back();  // ".." at the root stays at the root
      continue;
    }
    done.push_back(part);
    std::string inside = current();
    std::string host = HostPath(root, inside);
    struct stat st;
    if (lstat(host.c_str(), &st) != 0) return false;
    if (!S_ISLNK(st.st_mode)) continue;
    if (++links > kMaxSymlinks) Fail("{}: too many levels of symbolic links in {}", path, root);
    out->symlinks.push_back({inside});
    std::string target = ReadLinkAt(host);
    done.pop_back();
    if (!target.empty() && target[0] == '/') done.clear();
    std::deque<std::string> parts = Split(target);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(*it);
  }
  out->path = current();
  return true;
}

}  // namespace ocimake
