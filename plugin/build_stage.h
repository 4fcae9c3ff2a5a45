// The build stage: the project configured, built, tested and installed
// inside a toolchain rootfs, in ocimake-sandbox, like `FROM gcc AS build` of
// a multi-stage Dockerfile but incremental. Inside the sandbox:
//   /src                  the project's source tree, read-only
//   /build                the inner build directory (persists under the
//                         outer build directory, so the inner Ninja is
//                         incremental)
//   /ocimake/cmake        ocimake's CMake module, read-only
//   /ocimake/config       an ocimake-config.cmake that sets
//                         OCIMAKE_IN_BUILD_STAGE, so find_package(ocimake)
//                         works and add_container_image() does not recurse
//   /ocimake/stage        where `cmake --install` puts the files (DESTDIR)
//   /run/secrets/<id>     each secret, read-only (build and test only)
// No network; the rootfs read-only; /tmp a tmpfs; fixed paths, so what is
// compiled does not depend on where the outer build directory is.
#ifndef OCIMAKE_BUILD_STAGE_H_
#define OCIMAKE_BUILD_STAGE_H_

#include <string>
#include <vector>

namespace ocimake {

struct BuildStage {
  std::string sandbox;          // ocimake-sandbox
  std::string rootfs;           // toolchain rootfs
  std::string source_dir;       // host: the project's source tree
  std::string inner_build_dir;  // host: the persistent inner build directory
  std::string subdir;           // the image's directory, relative to source_dir
  std::string module_dir;       // host: ocimake's cmake/ directory
  std::string build_type;
  std::vector<std::string> defines;  // NAME=value cache variables
  std::vector<std::string> secrets;  // id=ID,src=PATH
  bool test = false;
  std::string prefix = "/usr/local";
  std::vector<std::string> components;
};

// Configures (when needed), builds, tests (when asked) and installs into
// `stage_dir` (a fresh, existing host directory). Output streams through.
void RunBuildStage(const BuildStage& stage, const std::string& stage_dir);

// "TEST_STAGE failed: 2 tests failed: a, b" from ctest's output, or "".
std::string FailedTestsSummary(const std::string& ctest_output);

}  // namespace ocimake

#endif  // OCIMAKE_BUILD_STAGE_H_
