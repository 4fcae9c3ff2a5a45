#include "oci/platform.h"

#include <sys/utsname.h>

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

Platform HostPlatform() {
  struct utsname u;
  uname(&u);
  std::string m = u.machine;
  Platform p{"linux", m, ""};
  if (m == "x86_64") p.architecture = "amd64";
  else if (m == "aarch64") p = {"linux", "arm64", "v8"};
  else if (m == "i686" || m == "i386") p.architecture = "386";
  else if (m == "armv7l") p = {"linux", "arm", "v7"};
  else if (m == "ppc64le" || m == "s390x" || m == "riscv64") p.architecture = m;
  if (p.architecture == "arm64") p.variant = "";  // v8 is implied; keep configs short
  return p;
}

}  // namespace ocimake
