#include "loopback.h"

#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "diagnostics.h"
#include "scoped_fd.h"

namespace ocimake::sandbox {

bool BringUpLoopback() {
  ScopedFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return SyscallFailed("socket(AF_INET, SOCK_DGRAM)");
  struct ifreq request;
  memset(&request, 0, sizeof(request));
  strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &request) != 0) {
    return SyscallFailed("ioctl(\"lo\", SIOCGIFFLAGS)");
  }
  request.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(sock.get(), SIOCSIFFLAGS, &request) != 0) {
    return SyscallFailed("ioctl(\"lo\", SIOCSIFFLAGS, IFF_UP)");
  }
  return true;
}

}  // namespace ocimake::sandbox
