// Reading the inputs of a CMake install: the cmake_install.cmake scripts of a
// build tree and the files their file(INSTALL ... FILES ...) calls copy. They
// become the depfile of the staging edge, so Ninja re-stages exactly when an
// installed file or an install rule changed.
#ifndef OCIMAKE_INSTALL_SCRIPT_H_
#define OCIMAKE_INSTALL_SCRIPT_H_

#include <string>
#include <vector>

namespace ocimake {

// Every cmake_install.cmake reached from `build_dir`'s, and every file the
// scripts install (directories expanded to the files below them).
std::vector<std::string> InstallInputs(const std::string& build_dir);

}  // namespace ocimake

#endif  // OCIMAKE_INSTALL_SCRIPT_H_
