#include <fcntl.h>
#include <sys/stat.h>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/platform.h"
#include "rootfs/rootfs_unpacker.h"
#include "rootfs/toolchain_cache.h"

namespace ocimake {

namespace {

// The depfile of the toolchain edge: the cache entry's spec file, so a
// toolchain removed from the cache is made again by the next build.
void WriteToolchainDepfile(const std::string& depfile, const std::string& output,
                           const ToolchainSpec& spec, const std::string& made) {
  std::vector<std::string> inputs;
  if (spec.kind != ToolchainSpec::kRootfs) {
    // Made (again) just now: the output must not be older than what it
    // depends on, or Ninja would run this edge on every build.
    std::string made_from = ToolchainSpecFile(made);
    struct stat out_st, spec_st;
    if (stat(output.c_str(), &out_st) == 0 && stat(made_from.c_str(), &spec_st) == 0 &&
        std::pair(out_st.st_mtim.tv_sec, out_st.st_mtim.tv_nsec) <
            std::pair(spec_st.st_mtim.tv_sec, spec_st.st_mtim.tv_nsec))
      utimensat(AT_FDCWD, output.c_str(), nullptr, 0);
    inputs.push_back(made_from);
  }
  WriteDepfile(depfile, output, inputs);
}

// What `ocimake toolchain` was asked to do.
struct ToolchainCommand {
  ToolchainSpec spec;
  std::string rootfs, tarball, image, debian, output, depfile, cache = DefaultCacheDir();
};

void AddToolchainOptions(CLI::App& app, ToolchainCommand* c) {
  app.add_option("--name", c->spec.name, "the toolchain's name, for messages")->required();
  auto* r = app.add_option("--rootfs", c->rootfs, "an existing root directory (used in place)");
  auto* t =
      app.add_option("--tarball", c->tarball, "a rootfs tarball (.tar, .tar.gz, .tar.zst, ...)");
  auto* i = app.add_option("--image", c->image, "an image: OCI layout dir[:tag] or archive");
  auto* d = app.add_option("--debian", c->debian, "a Debian suite made with mmdebstrap");
  r->excludes(t, i, d);
  t->excludes(i, d);
  i->excludes(d);
  app.add_option("--package", c->spec.packages, "a package to include (--debian; repeatable)");
  app.add_option("--mirror", c->spec.mirror, "Debian mirror URL (--debian)");
  app.add_option("--arch", c->spec.arch, "Debian architecture (--debian)");
  app.add_option("--platform", c->spec.platforms,
                 "a platform to cross-build for, OS/ARCH[/VARIANT] (--debian; repeatable)");
  app.add_option("--cache", c->cache,
                 "cache directory (default: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake)");
  app.add_option("--output", c->output, "file to write the rootfs path to")->required();
  app.add_option("--depfile", c->depfile,
                 "depfile to write: the cache entry's spec file, so that a toolchain removed "
                 "from the cache (ocimake cache prune) is made again");
}

// The spec's kind and input from the one source option given.
void ResolveSource(ToolchainCommand& c) {
  ToolchainSpec& spec = c.spec;
  if (!spec.platforms.empty() && c.debian.empty()) Fail("--platform goes with --debian");
  for (const auto& p : spec.platforms) PlatformInfoOf(ParsePlatform(p));
  if (!c.rootfs.empty()) spec = {spec.name, ToolchainSpec::kRootfs, c.rootfs, {}, "", "", {}};
  else if (!c.tarball.empty()) spec.kind = ToolchainSpec::kTarball, spec.input = AbsolutePath(c.tarball);
  else if (!c.image.empty()) spec.kind = ToolchainSpec::kImage, spec.input = c.image;
  else if (!c.debian.empty()) spec.kind = ToolchainSpec::kDebian, spec.input = c.debian;
  else Fail("give one of --rootfs, --tarball, --image or --debian");
}

}  // namespace

int RunToolchain(const Args& args) {
  CLI::App app{
      "Makes (once) a toolchain root filesystem in the cache and writes its path to\n"
      "--output (rewritten only when it changes).\n\n"
      "  ocimake toolchain --name gcc --debian bookworm --package g++ --package cmake \\\n"
      "      --package ninja-build --output gcc.rootfs\n"
      "  ocimake toolchain --name gcc --debian bookworm --package g++ --package libfmt-dev \\\n"
      "      --platform linux/amd64 --platform linux/arm64 --output gcc.rootfs\n"
      "  ocimake toolchain --name gcc --tarball rootfs.tar.zst --output gcc.rootfs\n"
      "  ocimake toolchain --name gcc --image toolchain-layout:tag --output gcc.rootfs",
      "toolchain"};
  ToolchainCommand c;
  AddToolchainOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  ResolveSource(c);
  std::string made = EnsureToolchain(c.spec, c.cache);
  WriteFileIfChanged(c.output, made + "\n");
  if (!c.depfile.empty()) WriteToolchainDepfile(c.depfile, c.output, c.spec, made);
  return 0;
}

}  // namespace ocimake
