#include "rootfs/sandbox_command.h"

#include <sstream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "rootfs/toolchain_cache.h"

namespace ocimake {

Bind ParseBind(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  std::string p;
  while (std::getline(in, p, ':')) parts.push_back(p);
  if (!text.empty() && text.back() == ':') parts.push_back("");
  if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "ro") ||
      parts[0].empty() || parts[1].empty())
    Fail("bind '{}': expected SRC:DST or SRC:DST:ro", text);
  return {parts[0], parts[1], parts.size() == 3};
}

namespace {

// A cache mount of the build stage: <cache>/mounts/<toolchain key>/<id>,
// the key 16 or 32 hex digits.
bool IsCacheMount(const std::string& dir) {
  std::vector<std::string> parts = PathComponents(dir);
  size_t n = parts.size();
  if (n < 3 || parts[n - 3] != "mounts") return false;
  const std::string& key = parts[n - 2];
  return (key.size() == 16 || key.size() == 32) &&
         key.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::vector<std::string> SandboxArgv(const SandboxSpec& s) {
  // The cache entries the command uses are in use from now until this
  // process exits: `ocimake cache prune` keeps them (base/cache_dir.h).
  UseToolchain(s.rootfs);
  for (const auto& b : s.binds)
    if (!b.read_only && IsCacheMount(b.source)) HoldCacheEntry(b.source + ".lock");
  std::vector<std::string> argv = {s.sandbox, "--rootfs", s.rootfs};
  for (const auto& b : s.binds)
    argv.insert(argv.end(), {b.read_only ? "--ro-bind" : "--bind", b.source, b.target});
  for (const auto& dir : s.overlays) argv.insert(argv.end(), {"--overlay", dir});
  for (const auto& [name, value] : s.env) argv.insert(argv.end(), {"--setenv", name, value});
  if (!s.chdir.empty()) argv.insert(argv.end(), {"--chdir", s.chdir});
  if (s.ids)
    argv.insert(argv.end(), {"--uid", std::to_string(s.ids->first), "--gid",
                             std::to_string(s.ids->second)});
  if (s.share_net) argv.push_back("--share-net");
  if (s.forward_port != 0)
    argv.insert(argv.end(), {"--forward-tcp", std::to_string(s.forward_port), s.forward_socket});
  argv.push_back("--");
  argv.insert(argv.end(), s.command.begin(), s.command.end());
  return argv;
}

std::vector<std::pair<std::string, std::string>> EnvPairs(const std::vector<std::string>& env) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

}  // namespace ocimake
