#include "sandbox_options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

#include "diagnostics.h"

namespace ocimake::sandbox {
namespace {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// The command line as CLI11 parsed it, before it is checked.
struct RawOptions {
  std::string rootfs;
  StringPairs binds;
  StringPairs read_only_binds;
  std::vector<std::string> tmpfs;
  std::vector<std::string> overlays;
  std::string working_directory = "/";
  StringPairs environment;
  bool share_network = false;
  StringPairs forward_tcp;
  std::string hostname = "ocimake";
  std::string uid = "0";
  std::string gid = "0";
  std::vector<std::string> command;
};

// The repeatable mount options, whose relative order parse_order() keeps.
struct MountOptions {
  CLI::Option* bind;
  CLI::Option* read_only_bind;
  CLI::Option* tmpfs;
  CLI::Option* overlay;
};

constexpr char kFooter[] =
    "Exit status: the command's; 128+N when it is killed by signal N; "
    "2 on a usage error; 125 when the sandbox cannot be set up; "
    "126 when COMMAND is not executable; 127 when it is not found.\n";

// Prints the usage line of the contract instead of CLI11's generic one.
class UsageFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override {
    return "Usage: ocimake-sandbox [OPTIONS] -- COMMAND [ARG...]\n";
  }
};

// A repeatable option that takes exactly one NAME VALUE pair each time
// (allow_extra_args(false) stops CLI11 from swallowing a following "--").
CLI::Option* AddPairOption(CLI::App* app, const char* name, StringPairs* pairs,
                           const char* help) {
  return app->add_option(name, *pairs, help)->allow_extra_args(false);
}

// The repeatable mount options, in the order --help lists them.
MountOptions DefineMountOptions(CLI::App* app, RawOptions* raw) {
  MountOptions mounts;
  mounts.bind = AddPairOption(app, "--bind", &raw->binds,
                              "Read-write bind of host SRC at DST")
                    ->type_name("SRC DST");
  mounts.read_only_bind =
      AddPairOption(app, "--ro-bind", &raw->read_only_binds,
                    "Read-only bind of host SRC at DST")
          ->type_name("SRC DST");
  mounts.tmpfs = app->add_option("--tmpfs", raw->tmpfs,
                                 "tmpfs at DST (/tmp always is one)")
                     ->type_name("DST")
                     ->allow_extra_args(false);
  mounts.overlay =
      app->add_option("--overlay", raw->overlays,
                      "Writable private copy of the rootfs's directory DST "
                      "(overlayfs; changes are gone when the sandbox exits)")
          ->type_name("DST")
          ->allow_extra_args(false);
  return mounts;
}

MountOptions DefineOptions(CLI::App* app, RawOptions* raw) {
  app->add_option("--rootfs", raw->rootfs,
                  "DIR becomes / (bind-mounted read-only, nosuid, nodev)")
      ->type_name("DIR")
      ->required();
  MountOptions mounts = DefineMountOptions(app, raw);
  app->add_option("--chdir", raw->working_directory,
                  "Working directory inside (default /)")
      ->type_name("DIR");
  AddPairOption(app, "--setenv", &raw->environment,
                "Set NAME=VALUE; the environment starts empty except PATH")
      ->type_name("NAME VALUE");
  app->add_flag("--share-net", raw->share_network,
                "Keep the host network (default: only loopback)");
  AddPairOption(app, "--forward-tcp", &raw->forward_tcp,
                "Listen on 127.0.0.1:PORT inside and relay each connection "
                "to the Unix socket SOCKET (a path inside); not with "
                "--share-net")
      ->type_name("PORT SOCKET");
  app->add_option("--hostname", raw->hostname, "Host name (default ocimake)")
      ->type_name("NAME");
  app->add_option("--uid", raw->uid, "User id inside (default 0)")
      ->type_name("N");
  app->add_option("--gid", raw->gid, "Group id inside (default 0)")
      ->type_name("N");
  app->add_option("COMMAND", raw->command, "Command and arguments, after --");
  app->footer(kFooter);
  app->formatter(std::make_shared<UsageFormatter>());
  return mounts;
}

// Rebuilds the mounts in command-line order: parse_order() lists an option
// once per argument it took, so a bind shows up twice per occurrence.
std::vector<MountRequest> OrderedMounts(const CLI::App& app,
                                        const RawOptions& raw,
                                        const MountOptions& options) {
  std::map<const CLI::Option*, size_t> taken;
  std::vector<MountRequest> mounts;
  for (const CLI::Option* option : app.parse_order()) {
    size_t index = taken[option]++;
    if (option == options.tmpfs && index < raw.tmpfs.size()) {
      mounts.push_back({MountRequest::Kind::kTmpfs, "", raw.tmpfs[index]});
      continue;
    }
    if (option == options.overlay && index < raw.overlays.size()) {
      mounts.push_back({MountRequest::Kind::kOverlay, "", raw.overlays[index]});
      continue;
    }
    bool read_only = option == options.read_only_bind;
    if (!read_only && option != options.bind) continue;
    const StringPairs& pairs = read_only ? raw.read_only_binds : raw.binds;
    if (index % 2 == 0 || index / 2 >= pairs.size()) continue;
    const auto& [source, destination] = pairs[index / 2];
    mounts.push_back({read_only ? MountRequest::Kind::kReadOnlyBind
                                : MountRequest::Kind::kBind,
                      source, destination});
  }
  return mounts;
}

// Resolves an existing host path to an absolute one without symlinks.
bool ResolveHostPath(const std::string& what, const std::string& path,
                     std::string* resolved) {
  char buffer[PATH_MAX];
  if (realpath(path.c_str(), buffer) == nullptr) {
    return SyscallFailed("%s %s", what.c_str(), path.c_str());
  }
  *resolved = buffer;
  return true;
}

bool CheckRootfs(const std::string& rootfs, SandboxOptions* options) {
  if (!ResolveHostPath("--rootfs", rootfs, &options->rootfs)) return false;
  struct stat st;
  if (stat(options->rootfs.c_str(), &st) != 0) {
    return SyscallFailed("--rootfs %s", rootfs.c_str());
  }
  if (!S_ISDIR(st.st_mode)) {
    Error("--rootfs %s: Not a directory", rootfs.c_str());
    return false;
  }
  return true;
}

const char* OptionName(MountRequest::Kind kind) {
  switch (kind) {
    case MountRequest::Kind::kBind: return "--bind";
    case MountRequest::Kind::kReadOnlyBind: return "--ro-bind";
    case MountRequest::Kind::kTmpfs: return "--tmpfs";
    case MountRequest::Kind::kOverlay: return "--overlay";
  }
  return "?";
}

bool CheckMount(const MountRequest& request, MountRequest* checked) {
  const char* name = OptionName(request.kind);
  checked->kind = request.kind;
  if (!NormalizeSandboxPath(request.destination, &checked->destination)) {
    Error("%s: destination '%s' must be an absolute path without '..'", name,
          request.destination.c_str());
    return false;
  }
  if (checked->destination == "/") {
    Error("%s: destination cannot be / (the root is --rootfs)", name);
    return false;
  }
  if (request.kind == MountRequest::Kind::kTmpfs ||
      request.kind == MountRequest::Kind::kOverlay) {
    return true;
  }
  return ResolveHostPath(name, request.source, &checked->source);
}

bool CheckEnvironment(const StringPairs& environment,
                      SandboxOptions* options) {
  bool has_path = false;
  for (const auto& [name, value] : environment) {
    if (name.empty() || name.find('=') != std::string::npos) {
      Error("--setenv: invalid variable name '%s'", name.c_str());
      return false;
    }
    has_path = has_path || name == "PATH";
    options->environment.emplace_back(name, value);
  }
  if (!has_path) options->environment.emplace_back("PATH", kDefaultPath);
  return true;
}

// Parses a user or group id: decimal, 0 to 2^32-2 ((uid_t)-1 is reserved).
bool ParseId(const char* option, const std::string& text, unsigned* id) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] < '0' || text[0] > '9' || *end != '\0' ||
      errno != 0 || value > 0xfffffffeULL) {
    Error("%s: '%s' is not an id from 0 to 4294967294", option, text.c_str());
    return false;
  }
  *id = static_cast<unsigned>(value);
  return true;
}

bool CheckForward(const RawOptions& raw, SandboxOptions* options) {
  if (raw.forward_tcp.empty()) return true;
  const auto& [port, socket] = raw.forward_tcp.back();
  if (raw.forward_tcp.size() > 1 || raw.share_network) {
    Error("--forward-tcp: one at most, and not with --share-net");
    return false;
  }
  char* end = nullptr;
  long number = strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || number < 1 || number > 65535) {
    Error("--forward-tcp: port '%s' must be a number from 1 to 65535",
          port.c_str());
    return false;
  }
  if (!NormalizeSandboxPath(socket, &options->forward_socket)) {
    Error("--forward-tcp: '%s' must be an absolute path without '..'",
          socket.c_str());
    return false;
  }
  options->forward_port = static_cast<int>(number);
  return true;
}

bool CheckScalars(const RawOptions& raw, SandboxOptions* options) {
  if (!NormalizeSandboxPath(raw.working_directory,
                            &options->working_directory)) {
    Error("--chdir: '%s' must be an absolute path without '..'",
          raw.working_directory.c_str());
    return false;
  }
  if (raw.hostname.empty() || raw.hostname.size() > HOST_NAME_MAX) {
    Error("--hostname: '%s' must have 1 to %d characters",
          raw.hostname.c_str(), HOST_NAME_MAX);
    return false;
  }
  options->hostname = raw.hostname;
  options->share_network = raw.share_network;
  return CheckForward(raw, options) && ParseId("--uid", raw.uid, &options->uid) &&
         ParseId("--gid", raw.gid, &options->gid);
}

bool CheckOptions(const RawOptions& raw,
                  const std::vector<MountRequest>& mounts,
                  SandboxOptions* options) {
  if (raw.command.empty()) {
    Error("no COMMAND given (usage: ocimake-sandbox [OPTIONS] -- COMMAND "
          "[ARG...])");
    return false;
  }
  options->command = raw.command;
  if (!CheckRootfs(raw.rootfs, options)) return false;
  for (const MountRequest& request : mounts) {
    options->mounts.emplace_back();
    if (!CheckMount(request, &options->mounts.back())) return false;
  }
  return CheckScalars(raw, options) &&
         CheckEnvironment(raw.environment, options);
}

}  // namespace

bool NormalizeSandboxPath(const std::string& path, std::string* normalized) {
  if (path.empty() || path[0] != '/') return false;
  normalized->clear();
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string component = path.substr(start, end - start);
    start = end + 1;
    if (component.empty() || component == ".") continue;
    if (component == "..") return false;
    *normalized += "/" + component;
  }
  if (normalized->empty()) *normalized = "/";
  return true;
}

int ParseSandboxOptions(int argc, char** argv, SandboxOptions* options) {
  CLI::App app("Runs COMMAND in a Linux-namespace sandbox rooted at --rootfs.",
               "ocimake-sandbox");
  RawOptions raw;
  MountOptions mount_options = DefineOptions(&app, &raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      std::cout << app.help();
      return 0;
    }
    Error("%s (see --help)", error.what());
    return kExitUsage;
  }
  std::vector<MountRequest> mounts = OrderedMounts(app, raw, mount_options);
  return CheckOptions(raw, mounts, options) ? -1 : kExitUsage;
}

}  // namespace ocimake::sandbox
