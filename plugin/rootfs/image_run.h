// Running a command inside an image: the image's rootfs (unpacked once per
// manifest digest into the cache) becomes / of an ocimake-sandbox, and the
// image config applies: entrypoint and cmd (or a given command), arguments
// appended, env, working directory and user. An image for another CPU runs
// under the host's qemu-user, bound into the sandbox.
#ifndef OCIMAKE_ROOTFS_IMAGE_RUN_H_
#define OCIMAKE_ROOTFS_IMAGE_RUN_H_

#include <string>
#include <vector>

#include "image/runtime_user.h"
#include "oci/oci_types.h"
#include "rootfs/sandbox_command.h"
#include "source/image_source.h"

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
  // The host's qemu-user emulator the command runs under (EmulatorFor);
  // empty: natively.
  std::string emulator;
  std::string platform;  // podman's --platform ("linux/arm64"); empty: none
};

// Where the sandbox has the emulator, bound read-only: a directory of its own
// (made on a read-only rootfs by the sandbox, over a shadow of /).
inline constexpr char kEmulatorDir[] = "/.ocimake";

// The qemu-user emulator in `bin_dir` that runs the binaries of `image` on
// `host` ("/usr/bin/qemu-aarch64-static"); "" when the host runs them itself
// (one row of the platform table, or no architecture stated). Fails naming
// the file and its Debian package when it is missing.
std::string EmulatorFor(const Platform& image, const Platform& host,
                        const std::string& bin_dir = "/usr/bin");

// The sandbox command line for `request` (argv[0] is `sandbox`). With an
// emulator, the command is `<kEmulatorDir>/qemu-... -0 ARGV0 PROGRAM ARGS`:
// qemu-user searches no PATH, so a program named without a '/' is looked up
// on the command's PATH in the rootfs here, and -0 keeps its argv[0].
std::vector<std::string> SandboxCommand(const std::string& sandbox, const RunRequest& request);

// The sandbox command line that runs `request` in the image at `source`
// (any location; the platform `choice` picks of an index), its rootfs
// unpacked once per manifest digest into `cache`, under qemu-user when the
// image is for another CPU: what `ocimake run` and service tests exec.
// Fills in request->rootfs, config and emulator.
std::vector<std::string> ImageSandboxCommand(const SourceSpec& source, const PlatformChoice& choice,
                                             const std::string& cache, const std::string& sandbox,
                                             RunRequest* request);

// The `podman run` (or `docker run`: `runtime` is the program) command line
// for `image` ("oci:/abs/layout:tag"). Network: the host's with
// `share_net`; else, for an image that exposes ports (`config`), the
// runtime's default network with --publish-all; else none. `interactive`
// adds -i (stdin passed through); binds keep their :ro; `platform` gives
// --platform.
std::vector<std::string> PodmanCommand(const std::string& runtime, const std::string& image,
                                       const RunRequest& request);

// Makes `file` (opened read-only) this process's standard input, for the
// command exec'd next; fails naming the file.
void RedirectStdin(const std::string& file);

// The ocimake-sandbox next to this executable, else from PATH.
std::string FindSandbox();

// The ids of the image's user ("1000", "1000:100", "app" or "app:grp";
// "": root) in the rootfs's /etc/passwd and /etc/group (ResolveUser).
UserIds ResolveImageUser(const std::string& rootfs, const std::string& user);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_IMAGE_RUN_H_
