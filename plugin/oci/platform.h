// Platforms as OCI names them (linux/amd64, linux/arm64/v8): this machine's,
// and whether an index entry's platform is the one asked for.
#ifndef OCIMAKE_OCI_PLATFORM_H_
#define OCIMAKE_OCI_PLATFORM_H_

#include <string>

#include "oci/oci_types.h"

namespace ocimake {

// The platform of this machine as OCI names it (linux/amd64, linux/arm64...).
Platform HostPlatform();
// True when `have` is what `want` asks for (an empty field of `want`: any).
bool PlatformMatches(const Platform& have, const Platform& want);
// "os/architecture[/variant]", as --platform takes it and messages show it.
std::string PlatformString(const Platform& p);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_PLATFORM_H_
