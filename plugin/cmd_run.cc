#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "error.h"
#include "fs_util.h"
#include "image_run.h"
#include "image_source.h"
#include "registry_client.h"
#include "rootfs_unpacker.h"

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

std::vector<std::string> PodmanCommand(const std::string& runtime, const std::string& layout,
                                       const std::string& tag, const RunRequest& r) {
  std::vector<std::string> argv = {runtime, "run", "--rm", "--network=none"};
  for (const auto& kv : r.env) argv.insert(argv.end(), {"--env", kv});
  for (const auto& b : r.binds) argv.insert(argv.end(), {"--volume", b});
  if (!r.command.empty()) argv.insert(argv.end(), {"--entrypoint", r.command.front()});
  argv.push_back("oci:" + AbsolutePath(layout) + (tag.empty() ? "" : ":" + tag));
  if (!r.command.empty()) argv.insert(argv.end(), r.command.begin() + 1, r.command.end());
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  return argv;
}

}  // namespace

int RunRun(const Args& args) {
  CLI::App app{
      "Runs a command inside an image, in ocimake-sandbox: the image's rootfs\n"
      "(unpacked once per manifest digest into the cache) is /, read-only, with a\n"
      "tmpfs /tmp, loopback-only network, and the image config applied:\n"
      "entrypoint + cmd (or --command), the words after -- appended, env,\n"
      "working directory and user. The command's exit status is passed through.\n\n"
      "  ocimake run build/hello-image -- --name CI\n"
      "  ocimake run build/app-image --command -- /bin/sh -c 'ls /'\n\n"
      "OCIMAKE_RUNTIME=podman (or docker) runs it with that runtime instead.",
      "run"};
  std::string source, cache = DefaultCacheDir(), runtime, sandbox;
  std::vector<std::string> words;
  RunRequest r;
  bool replace = false;
  if (const char* rt = std::getenv("OCIMAKE_RUNTIME")) runtime = rt;
  app.add_option("image", source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_flag("--command", replace, "the words after -- replace entrypoint and cmd");
  app.add_option("--env,-e", r.env, "KEY=value over the image's env (repeatable)");
  app.add_option("--bind", r.binds, "SRC:DST[:ro] bind into the sandbox (repeatable)");
  app.add_flag("--share-net", r.share_net, "keep the host network");
  app.add_option("--cache", cache, "cache directory (default: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake)");
  app.add_option("--runtime", runtime, "ocimake (default), podman or docker");
  app.add_option("--sandbox", sandbox, "the ocimake-sandbox executable (default: beside ocimake)");
  app.add_option("words", words, "arguments (after --)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  (replace ? r.command : r.args) = words;

  SourceSpec spec = ParseSourceSpec(source);
  if (!runtime.empty() && runtime != "ocimake") {
    if (runtime != "podman" && runtime != "docker")
      Fail("OCIMAKE_RUNTIME={}: expected ocimake, podman or docker", runtime);
    if (spec.kind != SourceSpec::kLayout) Fail("{}: {} runs need an OCI layout", source, runtime);
    Exec(PodmanCommand(runtime, spec.path, spec.tag, r));
  }
  RegistryOptions options = RegistryOptions::FromEnvironment();
  options.cache_dir = cache;
  OpenedSource src = OpenSource(spec, HostPlatform(), cache, &options);
  r.rootfs = CachedRootfs(src.image, cache);
  r.config = src.image.config.config;
  Exec(SandboxCommand(sandbox.empty() ? FindSandbox() : sandbox, r));
}

}  // namespace ocimake
