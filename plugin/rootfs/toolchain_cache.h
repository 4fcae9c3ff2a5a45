// Toolchain root filesystems, made once into a content-addressed cache
// (<cache>/toolchains/<key>/rootfs) and shared by every build directory.
// The key is the sha256 of the declaration and of its input's bytes (the
// tarball, the image's manifest digest), so a changed declaration or input
// makes a new entry and an unchanged one is reused. Making an entry happens
// under a lock in a temp directory renamed into place: concurrent builds
// wait for one another and never see half a rootfs. A DEBIAN toolchain is
// made with mmdebstrap, its phases shown as progress lines
// (mmdebstrap_progress.h) and its .debs kept in a pool that every DEBIAN
// toolchain shares (deb_pool.h); neither changes the key.
#ifndef OCIMAKE_ROOTFS_TOOLCHAIN_CACHE_H_
#define OCIMAKE_ROOTFS_TOOLCHAIN_CACHE_H_

#include <string>
#include <vector>

namespace ocimake {

struct ToolchainSpec {
  std::string name;
  enum Kind { kRootfs, kTarball, kImage, kDebian } kind = kRootfs;
  std::string input;                  // directory, tarball, image reference, or suite
  std::vector<std::string> packages;  // DEBIAN
  std::string mirror;                 // DEBIAN
  std::string arch;                   // DEBIAN
  // DEBIAN: platforms to cross-build for ("linux/arm64"): their cross
  // compilers, C and C++ runtimes, and each Multi-Arch: same package of
  // `packages` for their architectures, plus qemu-user-static.
  std::vector<std::string> platforms;
};

// Returns the toolchain's rootfs directory, making it first if needed.
std::string EnsureToolchain(const ToolchainSpec& spec, const std::string& cache_dir);

// The file beside a cached toolchain's rootfs that says what it was made
// from (the text whose sha256 is its key); written by EnsureToolchain.
std::string ToolchainSpecFile(const std::string& rootfs);

// When `rootfs` is a toolchain of the cache (<cache>/toolchains/<key>/rootfs),
// holds its entry's lock shared until the process exits (base/cache_dir.h:
// no prune removes it while a build runs in it) and marks its use; fails
// when it is no longer there. Any other directory: nothing.
void UseToolchain(const std::string& rootfs);

}  // namespace ocimake

#endif  // OCIMAKE_ROOTFS_TOOLCHAIN_CACHE_H_
