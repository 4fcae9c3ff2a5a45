// Running a command inside an image: the image's rootfs (unpacked once per
// manifest digest into the cache) becomes / of an ocimake-sandbox, and the
// image config applies: entrypoint and cmd (or a given command), arguments
// appended, env, working directory and user.
#ifndef OCIMAKE_ROOTFS_IMAGE_RUN_H_
#define OCIMAKE_ROOTFS_IMAGE_RUN_H_

#include <string>
#include <vector>

#include "oci/oci_types.h"
#include "rootfs/sandbox_command.h"

namespace ocimake {

struct RunRequest {
  std::string rootfs;
  RuntimeConfig config;
  std::vector<std::string> command;  // replaces entrypoint + cmd when not empty
  std::vector<std::string> args;     // appended
  std::vector<std::string> env;      // KEY=value, over the config's
  std::vector<std::string> binds;    // "SRC:DST" or "SRC:DST:ro"
  bool share_net = false;
  bool interactive = false;  // stdin is fed to the command (`--stdin`)
};


// The sandbox command line for `request` (argv[0] is `sandbox`).
std::vector<std::string> SandboxCommand(const std::string& sandbox, const RunRequest& request);

// The `podman run` (or `docker run`: `runtime` is the program) command line
// for `image` ("oci:/abs/layout:tag"). Network: the host's with
// `share_net`; else, for an image that exposes ports (`config`), the
// runtime's default network with --publish-all; else none. `interactive`
// adds -i (stdin passed through); binds keep their :ro.
std::vector<std::string> PodmanCommand(const std::string& runtime, const std::string& image,
                                       const RunRequest& request);

// Makes `file` (opened read-only) this process's standard input, for the
// command exec'd next; fails naming the file.
void RedirectStdin(const std::string& file);

// The ocimake-sandbox next to this executable, else from PATH.
std::string FindSandbox();

// "1000", "1000:100", "app" or "app:grp" against the rootfs's /etc/passwd
// and /etc/group (read as files, never through NSS).
void ResolveUser(const std::string& rootfs, const std::string& user, int* uid, int* gid);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_IMAGE_RUN_H_
