#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "registry/registry_client.h"
#include "rootfs/image_run.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

[[noreturn]] void Exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  std::cout.flush();
  execvp(args[0], args.data());
  FailErrno("running " + argv[0]);
}

// Runs the image of a layout with podman or docker.
[[noreturn]] void ExecRuntime(const std::string& runtime, const std::string& source,
                              const SourceSpec& spec, RunRequest r) {
  if (spec.kind != SourceSpec::kLayout) Fail("{}: {} runs need an OCI layout", source, runtime);
  r.config = LoadImage(spec.path, spec.tag, Platform{}).config.config;  // its EXPOSE
  for (auto& text : r.binds) {  // a relative source would be a named volume
    Bind b = ParseBind(text);
    text = AbsolutePath(b.source) + ":" + b.target + (b.read_only ? ":ro" : "");
  }
  std::string image = "oci:" + AbsolutePath(spec.path) + (spec.tag.empty() ? "" : ":" + spec.tag);
  Exec(PodmanCommand(runtime, image, r));
}

constexpr char kRunHelp[] =
    "Runs a command inside an image, in ocimake-sandbox: the image's rootfs\n"
    "(unpacked once per manifest digest into the cache) is /, read-only, with a\n"
    "tmpfs /tmp, loopback-only network, and the image config applied:\n"
    "entrypoint + cmd (or --command), the words after -- appended, env,\n"
    "working directory and user. The command's exit status is passed through.\n"
    "--stdin FILE makes FILE (opened read-only first; a missing one is an\n"
    "error) the command's standard input, so a filter can be tested.\n\n"
    "  ocimake run build/hello-image -- --name CI\n"
    "  ocimake run build/app-image --command -- /bin/sh -c 'ls /'\n"
    "  ocimake run build/filter-image --stdin input.md --bind data:/data:ro\n\n"
    "OCIMAKE_RUNTIME=podman (or docker) runs it with that runtime instead:\n"
    "--network=host with --share-net; an image that EXPOSEs ports gets the\n"
    "runtime's default network and --publish-all; else --network=none.\n"
    "--stdin adds -i; binds become --volume SRC:DST[:ro].";

}  // namespace

namespace {

// The image's rootfs (unpacked once into the cache) as / of the sandbox.
[[noreturn]] void ExecInSandbox(const SourceSpec& spec, const std::string& cache,
                                const std::string& sandbox, RunRequest r) {
  RegistryOptions options = RegistryOptions::FromEnvironment();
  options.cache_dir = cache;
  OpenedSource src = OpenSource(spec, HostPlatform(), cache, &options);
  r.rootfs = CachedRootfs(src.image, cache);
  r.config = src.image.config.config;
  Exec(SandboxCommand(sandbox.empty() ? FindSandbox() : sandbox, r));
}

}  // namespace

int RunRun(const Args& args) {
  CLI::App app{kRunHelp, "run"};
  std::string source, cache = DefaultCacheDir(), runtime, sandbox, stdin_file;
  std::vector<std::string> words;
  RunRequest r;
  bool replace = false;
  if (const char* rt = std::getenv("OCIMAKE_RUNTIME")) runtime = rt;
  app.add_option("image", source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_flag("--command", replace, "the words after -- replace entrypoint and cmd");
  // One value per occurrence: a vector option would otherwise take the "--"
  // before the words as its own terminator.
  app.add_option("--env,-e", r.env, "KEY=value over the image's env (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--bind", r.binds,
                 "SRC:DST[:ro] bind into the sandbox, read-write unless :ro (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--share-net", r.share_net, "keep the host network");
  app.add_option("--stdin", stdin_file, "FILE: the command's standard input");
  app.add_option("--cache", cache, "cache directory (default: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake)");
  app.add_option("--runtime", runtime, "ocimake (default), podman or docker");
  app.add_option("--sandbox", sandbox, "the ocimake-sandbox executable (default: beside ocimake)");
  app.add_option("words", words, "arguments (after --)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  (replace ? r.command : r.args) = words;
  if (!stdin_file.empty()) RedirectStdin(stdin_file);
  r.interactive = !stdin_file.empty();

  SourceSpec spec = ParseSourceSpec(source);
  if (!runtime.empty() && runtime != "ocimake") {
    if (runtime != "podman" && runtime != "docker")
      Fail("OCIMAKE_RUNTIME={}: expected ocimake, podman or docker", runtime);
    ExecRuntime(runtime, source, spec, r);
  }
  ExecInSandbox(spec, cache, sandbox, r);
}

}  // namespace ocimake
