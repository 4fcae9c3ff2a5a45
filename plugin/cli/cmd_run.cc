#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/platform.h"
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

// What `ocimake run` was asked.
struct RunOptions {
  std::string source, cache = DefaultCacheDir(), runtime, sandbox, stdin_file, platform;
  std::vector<std::string> words;
  bool replace = false;
  RunRequest request;
};

// Runs the image of a layout with podman or docker.
[[noreturn]] void ExecRuntime(const RunOptions& o, const SourceSpec& spec) {
  if (spec.kind != SourceSpec::kLayout)
    Fail("{}: {} runs need an OCI layout", o.source, o.runtime);
  RunRequest r = o.request;
  r.config = OpenForPlatform(spec, PlatformChoice{o.platform}, o.cache).image.config.config;
  r.platform = o.platform;
  for (auto& text : r.binds) {  // a relative source would be a named volume
    Bind b = ParseBind(text);
    text = AbsolutePath(b.source) + ":" + b.target + (b.read_only ? ":ro" : "");
  }
  std::string image = "oci:" + AbsolutePath(spec.path) + (spec.tag.empty() ? "" : ":" + spec.tag);
  Exec(PodmanCommand(o.runtime, image, r));
}

constexpr char kRunHelp[] =
    "Runs a command inside an image, in ocimake-sandbox: the image's rootfs\n"
    "(unpacked once per manifest digest into the cache) is /, read-only, with a\n"
    "tmpfs /tmp, loopback-only network, and the image config applied:\n"
    "entrypoint + cmd (or --command), the words after -- appended, env,\n"
    "working directory and user. The command's exit status is passed through.\n"
    "--stdin FILE makes FILE (opened read-only first; a missing one is an\n"
    "error) the command's standard input, so a filter can be tested.\n\n"
    "--platform OS/ARCH[/VARIANT] takes that platform's manifest of a\n"
    "multi-platform image (default: the host's; a single image is run whatever\n"
    "its platform, and with --platform must be for it). An image for another CPU\n"
    "runs under qemu-user: the host's /usr/bin/qemu-<arch>-static (Debian package\n"
    "qemu-user-static) is bound read-only at /.ocimake/ in the sandbox and runs\n"
    "the command, so neither root nor a binfmt_misc handler is needed. Programs\n"
    "the emulated command starts itself (a shell's children) are exec'd by the\n"
    "kernel: they run only where a binfmt_misc handler with the F (fix binary)\n"
    "flag is registered for that CPU.\n\n"
    "  ocimake run build/hello-image -- --name CI\n"
    "  ocimake run build/app-image --command -- /bin/sh -c 'ls /'\n"
    "  ocimake run build/filter-image --stdin input.md --bind data:/data:ro\n"
    "  ocimake run build/multi-image:app --platform linux/arm64\n\n"
    "OCIMAKE_RUNTIME=podman (or docker) runs it with that runtime instead:\n"
    "--network=host with --share-net; an image that EXPOSEs ports gets the\n"
    "runtime's default network and --publish-all; else --network=none.\n"
    "--stdin adds -i; binds become --volume SRC:DST[:ro]; --platform is passed on.";

// The image's rootfs (unpacked once into the cache) as / of the sandbox,
// under qemu-user when the image is for another CPU.
[[noreturn]] void ExecInSandbox(const RunOptions& o, const SourceSpec& spec) {
  RunRequest r = o.request;
  std::string sandbox = o.sandbox.empty() ? FindSandbox() : o.sandbox;
  Exec(ImageSandboxCommand(spec, PlatformChoice{o.platform}, o.cache, sandbox, &r));
}

void AddRunOptions(CLI::App& app, RunOptions* o) {
  RunRequest& r = o->request;
  app.add_option("image", o->source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_flag("--command", o->replace, "the words after -- replace entrypoint and cmd");
  // One value per occurrence: a vector option would otherwise take the "--"
  // before the words as its own terminator.
  app.add_option("--env,-e", r.env, "KEY=value over the image's env (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--bind", r.binds,
                 "SRC:DST[:ro] bind into the sandbox, read-write unless :ro (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--share-net", r.share_net, "keep the host network");
  app.add_option("--stdin", o->stdin_file, "FILE: the command's standard input");
  app.add_option("--platform", o->platform,
                 "OS/ARCH[/VARIANT] to run (default: the host's); another CPU's under qemu-user");
  app.add_option("--cache", o->cache,
                 "cache directory (default: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake)");
  app.add_option("--runtime", o->runtime, "ocimake (default), podman or docker");
  app.add_option("--sandbox", o->sandbox,
                 "the ocimake-sandbox executable (default: beside ocimake)");
  app.add_option("words", o->words, "arguments (after --)");
}

}  // namespace

int RunRun(const Args& args) {
  CLI::App app{kRunHelp, "run"};
  RunOptions o;
  if (const char* rt = std::getenv("OCIMAKE_RUNTIME")) o.runtime = rt;
  AddRunOptions(app, &o);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  (o.replace ? o.request.command : o.request.args) = o.words;
  if (!o.platform.empty()) ParsePlatform(o.platform);  // a usage error before anything runs
  if (!o.stdin_file.empty()) RedirectStdin(o.stdin_file);
  o.request.interactive = !o.stdin_file.empty();

  SourceSpec spec = ParseSourceSpec(o.source);
  if (!o.runtime.empty() && o.runtime != "ocimake") {
    if (o.runtime != "podman" && o.runtime != "docker")
      Fail("OCIMAKE_RUNTIME={}: expected ocimake, podman or docker", o.runtime);
    ExecRuntime(o, spec);
  }
  ExecInSandbox(o, spec);
}

}  // namespace ocimake
