#include "rootfs/toolchain_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <iostream>

#include <fmt/ranges.h>

#include "base/cache_dir.h"
#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/subprocess.h"
#include "oci/platform.h"
#include "rootfs/deb_pool.h"
#include "rootfs/mmdebstrap_progress.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

// What identifies the toolchain's content (its sha256 is the key).
std::string KeyText(const ToolchainSpec& s) {
  std::vector<std::string> packages = s.packages;
  std::sort(packages.begin(), packages.end());
  std::string text = "ocimake-toolchain-v1\n";
  switch (s.kind) {
    case ToolchainSpec::kTarball:
      text += "tarball " + Digest::OfFile(s.input).str() + "\n";
      break;
    case ToolchainSpec::kImage: {
      OpenedSource src = OpenSource(ParseSourceSpec(s.input), HostPlatform(), TempParent());
      text += "image " + src.image.manifest_descriptor.digest.str() + "\n";
      break;
    }
    case ToolchainSpec::kDebian:
      text += "debian " + s.input + "\nmirror " + s.mirror + "\narch " + s.arch + "\n";
      for (const auto& p : packages) text += "package " + p + "\n";
      for (const auto& p : s.platforms) text += "platform " + p + "\n";
      break;
    case ToolchainSpec::kRootfs:
      break;
  }
  return text;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// mmdebstrap with the shared .deb pool copied into the chroot's apt cache
// first and that cache copied out into `outbox` at the end (the chroot's own
// apt-get clean then empties it, so the rootfs is the same as without).
// The Debian architectures of the platforms other than `native`.
std::vector<std::string> ForeignArchitectures(const ToolchainSpec& s, const std::string& native) {
  std::vector<std::string> out;
  for (const auto& name : s.platforms) {
    std::string debian = PlatformInfoOf(ParsePlatform(name)).debian;
    if (debian != native && std::find(out.begin(), out.end(), debian) == out.end())
      out.push_back(debian);
  }
  return out;
}

// A customize hook that installs, for each foreign architecture, every
// package of the declaration that Debian marks Multi-Arch: same (libraries
// and their -dev packages: co-installable), as apt-cache in the chroot
// tells; the others (compilers, cmake) are the build machine's tools.
std::string MultiarchHook(const ToolchainSpec& s, const std::vector<std::string>& foreign) {
  std::string packages, arches;
  for (const auto& p : s.packages) packages += " " + ShellQuote(p);
  for (const auto& a : foreign) arches += " " + a;
  return "--customize-hook=set -e; : >\"$1\"/tmp/ocimake-multiarch; for p in" + packages +
         "; do if chroot \"$1\" apt-cache show --no-all-versions \"$p\" 2>/dev/null | "
         "grep -qx 'Multi-Arch: same'; then for a in" + arches +
         "; do echo \"$p:$a\" >>\"$1\"/tmp/ocimake-multiarch; done; fi; done; "
         "if [ -s \"$1\"/tmp/ocimake-multiarch ]; then echo \"ocimake: multiarch:\" "
         "$(cat \"$1\"/tmp/ocimake-multiarch); chroot \"$1\" env DEBIAN_FRONTEND=noninteractive "
         "apt-get install -y --no-install-recommends $(cat \"$1\"/tmp/ocimake-multiarch); fi; "
         "rm -f \"$1\"/tmp/ocimake-multiarch";
}

std::vector<std::string> MmdebstrapArgv(const ToolchainSpec& s, const DebPool& pool,
                                        const std::string& outbox, const std::string& tarball) {
  std::string native = s.arch.empty() ? PlatformInfoOf(HostPlatform()).debian : s.arch;
  std::vector<std::string> foreign = ForeignArchitectures(s, native);
  std::vector<std::string> packages = s.packages;
  for (const auto& a : foreign)
    for (const char* p : {"crossbuild-essential-", "libc6:", "libstdc++6:"})
      packages.push_back(p + a);
  if (!foreign.empty()) packages.push_back("qemu-user-static");
  std::vector<std::string> argv = {
      "mmdebstrap", "--variant=minbase", "--verbose", "--skip=essential/unlink",
      "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives",
      "--setup-hook=sync-in " + ShellQuote(pool.dir()) + " /var/cache/apt/archives/"};
  if (!foreign.empty()) argv.push_back(MultiarchHook(s, foreign));
  argv.push_back("--customize-hook=sync-out /var/cache/apt/archives " + ShellQuote(outbox));
  if (geteuid() != 0) argv.push_back("--mode=unshare");
  if (!packages.empty()) argv.push_back(fmt::format("--include={}", fmt::join(packages, ",")));
  std::string arches = native;
  for (const auto& a : foreign) arches += "," + a;
  if (!s.arch.empty() || !foreign.empty()) argv.push_back("--architectures=" + arches);
  argv.push_back(s.input);
  argv.push_back(tarball);
  if (!s.mirror.empty()) argv.push_back(s.mirror);
  return argv;
}

// Writes the last `n` lines of the file at `path` to stderr.
void PrintTail(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > n) lines.pop_front();
  }
  for (const auto& line : lines) std::cerr << "  " << line << "\n";
}

void MakeDebian(const ToolchainSpec& s, const std::string& cache_dir, const std::string& work,
                const std::string& rootfs) {
  DebPool pool(cache_dir, s.arch, s.mirror);
  MakeDirs(pool.dir());
  HoldCacheEntry(pool.dir() + ".lock");  // no prune takes the pool while mmdebstrap reads it
  std::string tarball = JoinPath(work, "rootfs.tar"), outbox = JoinPath(work, "debs");
  std::string log_path = JoinPath(DirName(work), "mmdebstrap.log");
  std::ofstream log(log_path, std::ios::trunc);
  if (!log) FailErrno("opening " + log_path);
  MmdebstrapProgress progress(s.name, log);
  progress.Say(fmt::format("making it with mmdebstrap ({}, {} package{}); .deb pool {} ({} "
                           "files); whole log: {}", s.input, s.packages.size(),
                           s.packages.size() == 1 ? "" : "s", pool.dir(), pool.Count(), log_path));
  int status = RunProcessLines(MmdebstrapArgv(s, pool, outbox, tarball),
                               [&](std::string_view line) { progress.Line(line); },
                               [&] { progress.Idle(); });
  log.close();
  if (status != 0) {
    PrintTail(log_path, 25);
    Fail("mmdebstrap {} failed with status {} (its last lines are above, the whole log is {}; "
         "is the mirror reachable and every package name right?)", s.input, status, log_path);
  }
  size_t added = pool.Adopt(outbox);
  progress.Say(fmt::format("fetched {} package{} from the mirror, {} new in the .deb pool; "
                           "unpacking into the cache", progress.fetched(),
                           progress.fetched() == 1 ? "" : "s", added));
  RootfsUnpacker(rootfs).ApplyLayer(tarball, "toolchain " + s.name + " " + tarball);
  progress.Say("done");
}

}  // namespace

namespace {

// Makes the toolchain's rootfs (<dir>/rootfs) under the entry's lock, in a
// temp directory renamed into place.
void MakeToolchain(const ToolchainSpec& spec, const std::string& cache_dir,
                   const std::string& dir) {
  std::string rootfs = JoinPath(dir, "rootfs");
  MakeDirs(dir);
  FileLock lock(dir + ".lock");
  if (IsDirectory(rootfs)) return;  // made while we waited
  TempDir work(dir, ".making-");
  std::string temp_root = JoinPath(work.path(), "rootfs");
  MakeDirs(temp_root);
  chmod(temp_root.c_str(), 0755);
  WithContext("toolchain " + spec.name, [&] {
    switch (spec.kind) {
      case ToolchainSpec::kTarball:
        RootfsUnpacker(temp_root).ApplyLayer(spec.input, spec.input);
        break;
      case ToolchainSpec::kImage: {
        OpenedSource src = OpenSource(ParseSourceSpec(spec.input), HostPlatform(), work.path());
        RemoveTree(temp_root);
        UnpackImage(src.image, temp_root);
        break;
      }
      case ToolchainSpec::kDebian:
        MakeDebian(spec, cache_dir, work.path(), temp_root);
        break;
      case ToolchainSpec::kRootfs:
        break;
    }
  });
  if (rename(temp_root.c_str(), rootfs.c_str()) != 0) FailErrno("renaming toolchain rootfs to " + rootfs);
}

}  // namespace

std::string EnsureToolchain(const ToolchainSpec& spec, const std::string& cache_dir) {
  if (spec.kind == ToolchainSpec::kRootfs) {
    if (!IsDirectory(spec.input)) Fail("toolchain {}: ROOTFS {}: no such directory", spec.name, spec.input);
    return AbsolutePath(spec.input);
  }
  if (spec.kind == ToolchainSpec::kTarball && !PathExists(spec.input))
    Fail("toolchain {}: TARBALL {}: no such file", spec.name, spec.input);
  std::string text = WithContext("toolchain " + spec.name, [&] { return KeyText(spec); });
  std::string dir = JoinPath(cache_dir, "toolchains/" + Digest::Of(text).hex().substr(0, 32));
  std::string rootfs = JoinPath(dir, "rootfs");
  if (!IsDirectory(rootfs)) MakeToolchain(spec, cache_dir, dir);
  // What it was made from, for `ocimake cache ls`; the build's depfile
  // names it, so a toolchain pruned from the cache is made again.
  WriteFileIfChanged(ToolchainSpecFile(rootfs), text);
  return rootfs;
}

std::string ToolchainSpecFile(const std::string& rootfs) {
  return JoinPath(DirName(rootfs), "spec");
}

void UseToolchain(const std::string& rootfs) {
  std::vector<std::string> parts = PathComponents(rootfs);
  size_t n = parts.size();
  if (n < 3 || parts[n - 1] != "rootfs" || parts[n - 3] != "toolchains") return;
  HoldCacheEntry(DirName(rootfs) + ".lock");
  if (!IsDirectory(rootfs))
    Fail("toolchain rootfs {}: no longer in the cache (removed by `ocimake cache prune`?); "
         "build again to make it anew", rootfs);
}

}  // namespace ocimake
