// The command line of ocimake-sandbox:
//
//   ocimake-sandbox [OPTIONS] -- COMMAND [ARG...]
//
// See docs/sandbox.md for the contract; ParseSandboxOptions() enforces it.

#ifndef OCIMAKE_RUNTIME_SANDBOX_OPTIONS_H_
#define OCIMAKE_RUNTIME_SANDBOX_OPTIONS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace ocimake::sandbox {

// A mount asked for with --bind, --ro-bind, --tmpfs or --overlay.
struct MountRequest {
  enum class Kind { kBind, kReadOnlyBind, kTmpfs, kOverlay };
  Kind kind;
  std::string source;       // Host path, absolute, symlinks resolved; empty
                            // for kTmpfs and kOverlay.
  std::string destination;  // Path inside, absolute and normalized.
};

struct SandboxOptions {
  std::string rootfs;                // Absolute, symlinks resolved.
  std::vector<MountRequest> mounts;  // In command-line order.
  std::string working_directory = "/";
  // NAME=VALUE pairs in command-line order; PATH is always present.
  std::vector<std::pair<std::string, std::string>> environment;
  bool share_network = false;
  // --forward-tcp PORT SOCKET: 127.0.0.1:PORT inside relayed to the Unix
  // socket SOCKET (a path inside); 0: none.
  int forward_port = 0;
  std::string forward_socket;
  std::string hostname = "ocimake";
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<std::string> command;  // Never empty.
};

// The PATH a command gets when --setenv PATH is not given.
constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Parses and checks the command line into *OPTIONS. Returns -1 when the
// sandbox should run; otherwise the code to exit with: 0 after --help, or
// kExitUsage after printing a one-line error.
int ParseSandboxOptions(int argc, char** argv, SandboxOptions* options);

// Normalizes an absolute path inside the sandbox: "//a/./b/" -> "/a/b".
// Returns false for a relative path or one with a ".." component.
bool NormalizeSandboxPath(const std::string& path, std::string* normalized);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_SANDBOX_OPTIONS_H_
