// Running a command inside an image: the image's rootfs (unpacked once per
// manifest digest into the cache) becomes / of an ocimake-sandbox, and the
// image config applies: entrypoint and cmd (or a given command), arguments
// appended, env, working directory and user.
#ifndef OCIMAKE_IMAGE_RUN_H_
#define OCIMAKE_IMAGE_RUN_H_

#include <string>
#include <vector>

#include "oci_types.h"

namespace ocimake {

struct RunRequest {
  std::string rootfs;
  RuntimeConfig config;
  std::vector<std::string> command;  // replaces entrypoint + cmd when not empty
  std::vector<std::string> args;     // appended
  std::vector<std::string> env;      // KEY=value, over the config's
  std::vector<std::string> binds;    // "SRC:DST" or "SRC:DST:ro"
  bool share_net = false;
};

// The sandbox command line for `request` (argv[0] is `sandbox`).
std::vector<std::string> SandboxCommand(const std::string& sandbox, const RunRequest& request);

// The ocimake-sandbox next to this executable, else from PATH.
std::string FindSandbox();

// "1000", "1000:100", "app" or "app:grp" against the rootfs's /etc/passwd
// and /etc/group (read as files, never through NSS).
void ResolveUser(const std::string& rootfs, const std::string& user, int* uid, int* gid);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_RUN_H_
