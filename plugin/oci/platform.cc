#include "oci/platform.h"

#include <elf.h>
#include <sys/utsname.h>

#include "base/error.h"

namespace ocimake {

bool PlatformMatches(const Platform& have, const Platform& want) {
  return (want.os.empty() || have.os == want.os) &&
         (want.architecture.empty() || have.architecture == want.architecture) &&
         (want.variant.empty() || have.variant == want.variant);
}

std::string PlatformString(const Platform& p) {
  std::string s = p.os + "/" + p.architecture;
  if (!p.variant.empty()) s += "/" + p.variant;
  return s;
}

Platform ParsePlatform(const std::string& text) {
  Platform p;
  size_t a = text.find('/');
  if (a == std::string::npos || a == 0 || a + 1 == text.size())
    Fail("platform '{}': expected OS/ARCH[/VARIANT], e.g. linux/arm64", text);
  p.os = text.substr(0, a);
  std::string rest = text.substr(a + 1);
  size_t b = rest.find('/');
  p.architecture = rest.substr(0, b);
  if (b != std::string::npos) p.variant = rest.substr(b + 1);
  if (p.architecture.empty() || (b != std::string::npos && p.variant.empty()))
    Fail("platform '{}': expected OS/ARCH[/VARIANT], e.g. linux/arm64", text);
  return p;
}

Platform PlatformOf(const ImageConfig& config) {
  return Platform{config.os, config.architecture, config.variant};
}

Platform PlatformInfo::platform() const { return ParsePlatform(name); }

const std::vector<PlatformInfo>& KnownPlatforms() {
  static const std::vector<PlatformInfo> kTable = {
#include "oci/platform_table.inc"
  };
  return kTable;
}

Platform NormalPlatform(Platform p) {
  if (p.architecture == "arm64" && p.variant == "v8") p.variant.clear();
  return p;
}

const PlatformInfo& PlatformInfoOf(const Platform& want) {
  Platform p = NormalPlatform(want);
  std::string names;
  for (const auto& info : KnownPlatforms()) {
    if (info.platform() == p) return info;
    names += std::string(names.empty() ? "" : ", ") + info.name;
  }
  Fail("platform {}: not one ocimake builds for (expected one of {})", PlatformString(want),
       names);
}

const PlatformInfo* PlatformOfElf(int elf_class, int elf_machine) {
  int bits = elf_class == ELFCLASS64 ? 64 : elf_class == ELFCLASS32 ? 32 : 0;
  for (const auto& info : KnownPlatforms())
    if (info.elf_bits == bits && info.elf_machine == elf_machine) return &info;
  return nullptr;
}

Platform HostPlatform() {
  struct utsname u;
  uname(&u);
  std::string machine = u.machine;
  if (machine == "i386" || machine == "i586") machine = "i686";
  for (const auto& info : KnownPlatforms())
    if (machine == info.processor) return info.platform();
  return {"linux", machine, ""};
}

}  // namespace ocimake
