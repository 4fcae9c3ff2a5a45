#include "rootfs/image_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <sstream>

#include "base/error.h"
#include "base/fs_util.h"
#include "closure/root_path.h"
#include "oci/platform.h"
#include "registry/registry_options.h"
#include "rootfs/rootfs_unpacker.h"

namespace ocimake {

namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

// `program` as a path qemu-user can open inside the sandbox: itself when it
// holds a '/', else the first executable file of that name on the PATH of
// `env`, looked up in `rootfs` (its symlinks resolved inside it).
std::string ProgramPath(const std::string& rootfs,
                        const std::vector<std::pair<std::string, std::string>>& env,
                        const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  std::string path_var;
  for (const auto& [name, value] : env)
    if (name == "PATH") path_var = value;
  std::istringstream in(path_var);
  for (std::string dir; std::getline(in, dir, ':');) {
    if (dir.empty() || dir[0] != '/') continue;
    std::string candidate = (dir.back() == '/' ? dir : dir + "/") + program;
    RootResolution found;
    if (ResolveInRoot(rootfs, candidate, &found) &&
        IsExecutableFile(HostPath(rootfs, found.path)))
      return candidate;
  }
  Fail("{}: not found on the image's PATH '{}' (qemu-user needs the program's path)", program,
       path_var);
}

// Runs the command of `spec` under `emulator`, bound read-only into the
// sandbox at kEmulatorDir.
void UnderEmulator(const std::string& emulator, SandboxSpec* spec) {
  std::string inside = std::string(kEmulatorDir) + "/" + emulator.substr(emulator.rfind('/') + 1);
  spec->binds.push_back({emulator, inside, true});
  const std::string& argv0 = spec->command.front();
  std::vector<std::string> command = {inside, "-0", argv0,
                                      ProgramPath(spec->rootfs, spec->env, argv0)};
  command.insert(command.end(), spec->command.begin() + 1, spec->command.end());
  spec->command = command;
}

}  // namespace

std::string EmulatorFor(const Platform& image, const Platform& host, const std::string& bin_dir) {
  if (image.architecture.empty() || PlatformMatches(image, host)) return "";
  const PlatformInfo& info = PlatformInfoOf(image);
  if (&info == &PlatformInfoOf(host)) return "";
  std::string qemu = JoinPath(bin_dir, fmt::format("qemu-{}-static", info.qemu));
  if (!IsExecutableFile(qemu))
    Fail("{}: missing, needed to run a {} image on this {} host (install the Debian package "
         "qemu-user-static)",
         qemu, info.name, PlatformString(host));
  return qemu;
}

UserIds ResolveImageUser(const std::string& rootfs, const std::string& user) {
  if (user.empty()) return {};
  auto read = [&](const char* path) {  // resolved inside the rootfs, never on the host
    RootResolution r;
    if (!ResolveInRoot(rootfs, path, &r) || IsDirectory(HostPath(rootfs, r.path))) return std::string();
    return ReadFile(HostPath(rootfs, r.path), 16 << 20);
  };
  return ResolveUser(user, read("/etc/passwd"), read("/etc/group"), "the image's /etc/passwd");
}

std::string FindSandbox() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string beside = JoinPath(DirName(self), "ocimake-sandbox");
    if (access(beside.c_str(), X_OK) == 0) return beside;
  }
  return "ocimake-sandbox";
}


std::vector<std::string> PodmanCommand(const std::string& runtime, const std::string& image,
                                       const RunRequest& r) {
  std::vector<std::string> argv = {runtime, "run", "--rm"};
  if (r.share_net) {
    argv.push_back("--network=host");
  } else if (!r.config.exposed_ports.empty()) {
    argv.push_back("--publish-all");
  } else {
    argv.push_back("--network=none");
  }
  if (r.interactive) argv.push_back("-i");
  if (!r.platform.empty()) argv.insert(argv.end(), {"--platform", r.platform});
  for (const auto& kv : r.env) argv.insert(argv.end(), {"--env", kv});
  for (const auto& text : r.binds) {
    Bind b = ParseBind(text);
    argv.insert(argv.end(), {"--volume", b.source + ":" + b.target + (b.read_only ? ":ro" : "")});
  }
  if (!r.command.empty()) argv.insert(argv.end(), {"--entrypoint", r.command.front()});
  argv.push_back(image);
  if (!r.command.empty()) argv.insert(argv.end(), r.command.begin() + 1, r.command.end());
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  return argv;
}

void RedirectStdin(const std::string& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("--stdin " + file);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    Fail("--stdin {}: is a directory, expected a file", file);
  }
  if (dup2(fd, STDIN_FILENO) < 0) FailErrno("--stdin " + file + ": dup2");
  close(fd);
}

std::vector<std::string> ImageSandboxCommand(const SourceSpec& source, const PlatformChoice& choice,
                                             const std::string& cache, const std::string& sandbox,
                                             RunRequest* request) {
  RegistryOptions options = RegistryOptions::FromEnvironment();
  options.cache_dir = cache;
  OpenedSource src = OpenForPlatform(source, choice, cache, &options);
  request->emulator = EmulatorFor(PlatformOf(src.image.config), HostPlatform());
  request->rootfs = CachedRootfs(src.image, cache);
  request->config = src.image.config.config;
  return SandboxCommand(sandbox, *request);
}

std::vector<std::string> SandboxCommand(const std::string& sandbox, const RunRequest& r) {
  SandboxSpec spec;
  spec.sandbox = sandbox;
  spec.rootfs = r.rootfs;
  spec.command = r.command;
  if (spec.command.empty()) {
    if (r.config.entrypoint) spec.command = *r.config.entrypoint;
    const auto& cmd = r.config.cmd;
    if (cmd) spec.command.insert(spec.command.end(), cmd->begin(), cmd->end());
  }
  spec.command.insert(spec.command.end(), r.args.begin(), r.args.end());
  if (spec.command.empty()) Fail("the image has no entrypoint or cmd, and no command was given");
  std::vector<std::string> env = r.config.env;
  for (const auto& kv : r.env) SetEnv(&env, kv);
  spec.env = EnvPairs(env);
  spec.chdir = r.config.working_dir;
  UserIds ids = ResolveImageUser(r.rootfs, r.config.user);
  spec.ids = std::make_pair(static_cast<int>(ids.uid), static_cast<int>(ids.gid));
  spec.overlays = OwnedDirectories(r.rootfs, ids.uid);
  for (const auto& text : r.binds) spec.binds.push_back(ParseBind(text));
  spec.share_net = r.share_net;
  if (!r.emulator.empty()) UnderEmulator(r.emulator, &spec);
  return SandboxArgv(spec);
}

}  // namespace ocimake
