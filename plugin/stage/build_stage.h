// The build stage: the project configured, built, tested and installed
// inside a toolchain rootfs, in ocimake-sandbox, like `FROM gcc AS build` of
// a multi-stage Dockerfile but incremental. Inside the sandbox:
//   /src                  the project's source tree (or SOURCE_ROOT, the
//                         project then at /src/<its path below it)), read-only
//   /build                the inner build directory (persists under the
//                         outer build directory, so the inner Ninja is
//                         incremental)
//   /ocimake/cmake        ocimake's CMake module, read-only
//   /ocimake/config       an ocimake-config.cmake that sets
//                         OCIMAKE_IN_BUILD_STAGE, so find_package(ocimake)
//                         works and add_container_image() does not recurse
//   /ocimake/stage        where `cmake --install` puts the files (DESTDIR)
//   /run/secrets/<id>     each secret, read-only (build and test only)
//   /ocimake/cache/<id>   each cache mount (or the path it names), read-write:
//                         a directory kept under the ocimake cache per
//                         toolchain (stage/cache_mounts.h), never in a layer
//   /run/ocimake/compiler-cache.sock, .conf  with a compiler cache remote:
//                         the way to its server and ccache's configuration
//                         (CCACHE_CONFIGPATH), for the run only
//   /ocimake/config/cross-toolchain.cmake  the CMake toolchain file of a
//                         cross build (another platform than the host's)
// No network; the rootfs read-only; /tmp a tmpfs; fixed paths, so what is
// compiled does not depend on where the outer build directory is.
#ifndef OCIMAKE_STAGE_BUILD_STAGE_H_
#define OCIMAKE_STAGE_BUILD_STAGE_H_

#include <string>
#include <vector>

namespace ocimake {

struct BuildStage {
  std::string sandbox;          // ocimake-sandbox
  std::string rootfs;           // toolchain rootfs
  std::string source_dir;       // host: the project's source tree
  // host: the tree bound at /src, source_dir or a directory above it (a
  // project in a subfolder that reads ../../lib); empty: source_dir.
  std::string source_root;
  std::string inner_build_dir;  // host: the persistent inner build directory
  std::string subdir;           // the image's directory, relative to source_dir
  std::string module_dir;       // host: ocimake's cmake/ directory
  std::string build_type;
  std::vector<std::string> defines;  // NAME[:TYPE]=value cache variables
  // Built before installing, with the targets the inner configure found the
  // image's install rules need (ocimake-installed-targets.txt).
  std::vector<std::string> build_targets;
  std::vector<std::string> secrets;  // id=ID,src=PATH
  bool test = false;
  std::string prefix = "/usr/local";
  std::vector<std::string> components;
  // LAYERS: each installed once more into /ocimake/stage/.ocimake-components/
  // <component> (stage/component_layers.h).
  std::vector<std::string> layer_components;
  // The platform to build for ("linux/arm64"); empty or the host's: a
  // native build. Another is cross-compiled with a toolchain file ocimake
  // writes (CrossToolchainFile), its tests run under qemu.
  std::string platform;
  // CACHE_MOUNTS: ID[=PATH] persistent directories (stage/cache_mounts.h),
  // kept under `cache_dir` (default: DefaultCacheDir()).
  std::vector<std::string> cache_mounts;
  // COMPILER_CACHE: "" or "ccache", the inner configure's compiler launcher,
  // its directory the cache mount of that id (one is added when none is).
  std::string compiler_cache;
  std::string cache_dir;
  std::string toolchain;  // the toolchain's name, for messages
  // OCIMAKE_COMPILER_CACHE_REMOTE (a secret: never printed unredacted):
  // ccache's remote storage, reached through a socket bound in at
  // /run/ocimake/compiler-cache.sock (stage/compiler_cache_remote.h); used
  // with COMPILER_CACHE ccache only.
  std::string compiler_cache_remote;
};

// The CMake toolchain file of a cross build in a Debian toolchain rootfs
// made with PLATFORMS: Debian's cross compilers, the multiarch library
// directory, pkg-config for the target's .pc files, and qemu-user-static as
// CMAKE_CROSSCOMPILING_EMULATOR (so ctest runs the tests under emulation).
std::string CrossToolchainFile(const std::string& platform);

// Configures (when needed), builds what the install rules need (everything
// with `test`), tests (when asked, and only when the inner build changed
// something since the tests last passed) and installs into `stage_dir` (a
// fresh, existing host directory): one sandbox run (two with secrets, which
// are not mounted while installing). Output streams through.
void RunBuildStage(const BuildStage& stage, const std::string& stage_dir);

// The host paths the inner build read, from its own records after a run:
// its deps log (sources and headers of every object), the files its
// build.ninja names under /src (CMakeLists.txt, configure_file inputs,
// custom command inputs) and the files its install scripts copy from /src.
// They become the stage edge's depfile, so a no-op build runs nothing.
std::vector<std::string> BuildStageInputs(const BuildStage& stage);

// The list of what the last install recorded (install_script.h), on the
// host, and the fingerprint of the install scripts and commands
// (InstallFingerprint): what incremental staging needs.
std::string BuildStageInstalledList(const BuildStage& stage);
std::string BuildStageInstallFingerprint(const BuildStage& stage);

// "TEST_STAGE failed: 2 tests failed: a, b" from ctest's output, or "".
std::string FailedTestsSummary(const std::string& ctest_output);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_BUILD_STAGE_H_
