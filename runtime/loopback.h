#ifndef OCIMAKE_RUNTIME_LOOPBACK_H_
#define OCIMAKE_RUNTIME_LOOPBACK_H_

namespace ocimake::sandbox {

// Sets IFF_UP on "lo" in the current (new) network namespace, whose only
// interface it is. Returns false after printing an error.
bool BringUpLoopback();

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_LOOPBACK_H_
