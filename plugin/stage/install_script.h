// A CMake install, once for the host and the toolchain: its command lines
// (one per component), and its inputs: the cmake_install.cmake scripts of a
// build tree and the files their file(INSTALL ... FILES ...) calls copy. The
// inputs become the depfile of the staging edge, so Ninja re-stages exactly
// when an installed file or an install rule changed.
#ifndef OCIMAKE_STAGE_INSTALL_SCRIPT_H_
#define OCIMAKE_STAGE_INSTALL_SCRIPT_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ocimake {

// An install that records what it installed: each command runs a build
// directory's cmake_install.cmake through `script` (InstallRecorderScript,
// what `cmake --install` does: the same variables) and appends the script's
// CMAKE_INSTALL_MANIFEST_FILES, every path file(INSTALL) installed or found
// up to date, to `list`. Both paths as the install sees them.
struct InstallRecord {
  std::string script, list;
};

// The recorder script's text.
std::string InstallRecorderScript();

// The command lines that install `build_dir` under `prefix`, as
// `cmake --install` would: one for every component, or one for all when
// there are none.
std::vector<std::vector<std::string>> InstallCommands(const std::string& cmake,
                                                      const std::string& build_dir,
                                                      const std::string& prefix,
                                                      const std::vector<std::string>& components,
                                                      const std::string& config,
                                                      const InstallRecord& record);

// What goes into a staging tree: what a command installs and where to.
struct InstallStep {
  std::string destdir;
  std::vector<std::string> argv;
};

// How a project is installed into a staging tree.
struct StagingInstall {
  std::string cmake = "cmake", build_dir, prefix, config;
  std::vector<std::string> components;        // empty: all
  std::vector<std::string> layer_components;  // LAYERS
  InstallRecord record;
};

// The staging tree's install steps: everything (or the components) into
// `stage_root`, then each LAYERS component again into its own directory of
// it (component_layers.h).
std::vector<InstallStep> StagingInstallSteps(const StagingInstall& install,
                                             const std::string& stage_root);

// Runs `steps` on the host; a failure shows cmake's output and fails
// naming `build_dir`.
void InstallOnHost(const std::vector<InstallStep>& steps, const std::string& build_dir);

// The image paths a recorded install's list holds ("" lines skipped); a
// missing list is an empty set.
std::set<std::string> ReadInstalledList(const std::string& list);

// Maps a path as the install scripts name it to the host path it is at, or
// "" for a path that is not an input (a toolchain build names /src/...).
using PathMapper = std::function<std::string(const std::string&)>;

// Every cmake_install.cmake reached from `build_dir`'s, and every file the
// scripts install (directories expanded to the files below them). `build_dir`
// is a host path; the paths inside the scripts go through `to_host`.
std::vector<std::string> InstallInputs(const std::string& build_dir,
                                       const PathMapper& to_host = nullptr);

// A digest of the install scripts reached from `build_dir` (their host
// paths and contents) and the steps' commands (not their DESTDIR, a temp):
// it changes when an install rule does.
std::string InstallFingerprint(const std::string& build_dir, const std::vector<InstallStep>& steps,
                               const PathMapper& to_host = nullptr);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_INSTALL_SCRIPT_H_
