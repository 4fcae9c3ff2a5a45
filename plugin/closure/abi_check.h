// The ABI check of an image whose C library (or C++ runtime) comes from its
// base: every symbol version (GLIBC_2.34, GLIBCXX_3.4.30, CXXABI_1.3.13) that
// an ELF file the image ships needs from a library the base provides must be
// one the base's library defines, or the program would not start there
// ("version `GLIBC_2.34' not found"). Weak version needs are not required,
// as ld.so does not require them. Nothing here is host-specific: the
// libraries are looked up in the base's unpacked root filesystem at the paths
// the closure resolved for each file's own ELF class and machine.
#ifndef OCIMAKE_CLOSURE_ABI_CHECK_H_
#define OCIMAKE_CLOSURE_ABI_CHECK_H_

#include <string>
#include <vector>

#include "closure/closure.h"

namespace ocimake {

// True when some object needs a library from the base (only then is the
// base's root filesystem needed).
bool NeedsBaseLibraries(const std::vector<ShippedElf>& objects);

// The first missing version, as one line ("" when there is none), e.g.
//   usr/local/bin/app needs GLIBC_2.34 of libc.so.6, but the base's
//   libc.so.6 has at most GLIBC_2.31 (build with an older toolchain, ...)
// Objects are taken in their order (the closure's: staged files first, by
// path), their libraries by name, and of one library the newest missing
// version is named. `base_root` is the base's unpacked root filesystem.
std::string FindAbiMismatch(const std::vector<ShippedElf>& objects,
                            const std::string& base_root);

// "GLIBC_2.34" sorts after "GLIBC_2.4": the dotted numbers after the last
// '_' compare as numbers; names of different families compare as text.
bool VersionLess(const std::string& a, const std::string& b);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_ABI_CHECK_H_
