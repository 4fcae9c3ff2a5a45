// The one builder of ocimake-sandbox command lines: what the build stage and
// `ocimake run` ask of the sandbox (runtime/'s --help lists the options),
// said once, as a value, and turned into argv in one place.
#ifndef OCIMAKE_ROOTFS_SANDBOX_COMMAND_H_
#define OCIMAKE_ROOTFS_SANDBOX_COMMAND_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ocimake {

// A bind: "SRC:DST" (read-write) or "SRC:DST:ro"; anything else fails.
struct Bind {
  std::string source, target;
  bool read_only = false;
};
Bind ParseBind(const std::string& text);

struct SandboxSpec {
  std::string sandbox;  // the ocimake-sandbox executable
  std::string rootfs;   // becomes /
  std::vector<Bind> binds;
  // Directories of the rootfs the command may write to, each a private
  // copy (the sandbox's --overlay): those the image gives to its user.
  std::vector<std::string> overlays;
  std::vector<std::pair<std::string, std::string>> env;  // (name, value), in order
  std::string chdir;
  std::optional<std::pair<int, int>> ids;  // uid, gid inside; default the sandbox's
  bool share_net = false;
  // --forward-tcp: 127.0.0.1:port inside relayed to this Unix socket
  // (a path inside); port 0: none.
  int forward_port = 0;
  std::string forward_socket;
  std::vector<std::string> command;
};

// The sandbox's argv for `spec` (argv[0] is spec.sandbox). A rootfs that
// is a toolchain of the cache, and a read-write bind of a cache mount
// (<cache>/mounts/<key>/<id>), are marked in use until the process exits
// (base/cache_dir.h), so no `ocimake cache prune` removes them while the
// command runs.
std::vector<std::string> SandboxArgv(const SandboxSpec& spec);

// KEY=value entries as (name, value) pairs; an entry without '=' or with an
// empty name is skipped (an image config may hold one; the sandbox cannot).
std::vector<std::pair<std::string, std::string>> EnvPairs(const std::vector<std::string>& env);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_SANDBOX_COMMAND_H_
