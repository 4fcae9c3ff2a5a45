#include "toolchain_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "digest.h"
#include "error.h"
#include "fs_util.h"
#include "image_source.h"
#include "rootfs_unpacker.h"
#include "subprocess.h"

namespace ocimake {

namespace {

// What identifies the toolchain's content.
std::string CacheKey(const ToolchainSpec& s) {
  std::vector<std::string> packages = s.packages;
  std::sort(packages.begin(), packages.end());
  std::string text = "ocimake-toolchain-v1\n";
  switch (s.kind) {
    case ToolchainSpec::kTarball:
      text += "tarball " + Digest::OfFile(s.input).str() + "\n";
      break;
    case ToolchainSpec::kImage: {
      OpenedSource src = OpenSource(ParseSourceSpec(s.input), HostPlatform(), "/tmp");
      text += "image " + src.image.manifest_descriptor.digest.str() + "\n";
      break;
    }
    case ToolchainSpec::kDebian:
      text += "debian " + s.input + "\nmirror " + s.mirror + "\narch " + s.arch + "\n";
      for (const auto& p : packages) text += "package " + p + "\n";
      break;
    case ToolchainSpec::kRootfs:
      break;
  }
  return Digest::Of(text).hex().substr(0, 32);
}

void MakeDebian(const ToolchainSpec& s, const std::string& work, const std::string& rootfs) {
  std::string tarball = JoinPath(work, "rootfs.tar");
  std::vector<std::string> argv = {"mmdebstrap", "--variant=minbase"};
  if (geteuid() != 0) argv.push_back("--mode=unshare");
  if (!s.packages.empty()) {
    std::string include = "--include=";
    for (size_t i = 0; i < s.packages.size(); ++i) include += (i ? "," : "") + s.packages[i];
    argv.push_back(include);
  }
  if (!s.arch.empty()) argv.push_back("--architectures=" + s.arch);
  argv.push_back(s.input);
  argv.push_back(tarball);
  if (!s.mirror.empty()) argv.push_back(s.mirror);
  std::cerr << "ocimake: making toolchain " << s.name << " with mmdebstrap (" << s.input
            << ")\n";
  ProcessResult r = RunProcess(argv, {}, false);
  if (r.status != 0)
    Fail("toolchain {}: mmdebstrap {} failed with status {} (is mmdebstrap installed and the "
         "mirror reachable?)", s.name, s.input, r.status);
  RootfsUnpacker(rootfs).ApplyLayer(tarball, "toolchain " + s.name + " " + tarball);
}

}  // namespace

std::string EnsureToolchain(const ToolchainSpec& spec, const std::string& cache_dir) {
  if (spec.kind == ToolchainSpec::kRootfs) {
    if (!IsDirectory(spec.input)) Fail("toolchain {}: ROOTFS {}: no such directory", spec.name, spec.input);
    return AbsolutePath(spec.input);
  }
  if (spec.kind == ToolchainSpec::kTarball && !PathExists(spec.input))
    Fail("toolchain {}: TARBALL {}: no such file", spec.name, spec.input);
  std::string key = WithContext("toolchain " + spec.name, [&] { return CacheKey(spec); });
  std::string dir = JoinPath(cache_dir, "toolchains/" + key);
  std::string rootfs = JoinPath(dir, "rootfs");
  if (IsDirectory(rootfs)) return rootfs;
  MakeDirs(dir);
  FileLock lock(dir + ".lock");
  if (IsDirectory(rootfs)) return rootfs;  // made while we waited
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
        MakeDebian(spec, work.path(), temp_root);
        break;
      case ToolchainSpec::kRootfs:
        break;
    }
  });
  if (rename(temp_root.c_str(), rootfs.c_str()) != 0) FailErrno("renaming toolchain rootfs to " + rootfs);
  return rootfs;
}

}  // namespace ocimake
