// Reading the inputs of a CMake install: the cmake_install.cmake scripts of a
// build tree and the files their file(INSTALL ... FILES ...) calls copy. They
// become the depfile of the staging edge, so Ninja re-stages exactly when an
// installed file or an install rule changed.
#ifndef OCIMAKE_STAGE_INSTALL_SCRIPT_H_
#define OCIMAKE_STAGE_INSTALL_SCRIPT_H_

#include <functional>
#include <string>
#include <vector>

namespace ocimake {

// Maps a path as the install scripts name it to the host path it is at, or
// "" for a path that is not an input (a toolchain build names /src/...).
using PathMapper = std::function<std::string(const std::string&)>;

// Every cmake_install.cmake reached from `build_dir`'s, and every file the
// scripts install (directories expanded to the files below them). `build_dir`
// is a host path; the paths inside the scripts go through `to_host`.
std::vector<std::string> InstallInputs(const std::string& build_dir,
                                       const PathMapper& to_host = nullptr);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_INSTALL_SCRIPT_H_
