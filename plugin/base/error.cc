#include "base/error.h"

#include <cerrno>
#include <cstring>

namespace ocimake {

void FailErrno(const std::string& what) {
  int saved = errno;
  throw Error(what + ": " + std::strerror(saved));
}

}  // namespace ocimake
