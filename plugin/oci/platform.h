// Platforms as OCI names them (linux/amd64, linux/arm64, linux/arm/v7): this
// machine's, whether an index entry's platform is the one asked for, and the
// platforms ocimake builds for with what each means to Debian, the compiler,
// the ELF loader and qemu (cmake/ocimake/platforms.txt, the one table that
// the CMake module reads too).
#ifndef OCIMAKE_OCI_PLATFORM_H_
#define OCIMAKE_OCI_PLATFORM_H_

#include <string>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

// The platform of this machine as OCI names it (linux/amd64, linux/arm64...).
Platform HostPlatform();
// True when `have` is what `want` asks for (an empty field of `want`: any).
bool PlatformMatches(const Platform& have, const Platform& want);
// "os/architecture[/variant]", as --platform takes it and messages show it.
std::string PlatformString(const Platform& p);
// `p` as the platform table names it: arm64's implied variant "v8" dropped.
Platform NormalPlatform(Platform p);
// The inverse of PlatformString; fails naming `text` when it is not
// OS/ARCH[/VARIANT].
Platform ParsePlatform(const std::string& text);
// The platform an image's config states (os, architecture, variant).
Platform PlatformOf(const ImageConfig& config);

// One row of the platform table.
struct PlatformInfo {
  const char* name;       // "linux/arm64", as OCI names it
  const char* debian;     // Debian's architecture: "arm64"
  const char* multiarch;  // libraries in /usr/lib/<multiarch>
  const char* triplet;    // Debian's cross compiler: <triplet>-g++
  const char* processor;  // CMAKE_SYSTEM_PROCESSOR, uname -m
  int elf_bits;           // 32 or 64
  int elf_machine;        // e_machine (EM_AARCH64...)
  const char* qemu;       // qemu-<qemu>-static emulates it
  Platform platform() const;
};

// Every platform of the table, in its order.
const std::vector<PlatformInfo>& KnownPlatforms();
// The row of `p` (an arm64 variant "v8" is arm64's own); fails naming `p`
// and the accepted names when the table has no such platform.
const PlatformInfo& PlatformInfoOf(const Platform& p);
// The row whose binaries have this ELF class (ELFCLASS32/64) and machine,
// or nullptr.
const PlatformInfo* PlatformOfElf(int elf_class, int elf_machine);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_PLATFORM_H_
