// One-line error reporting for ocimake-sandbox. Every message is written with
// a single write(2) so that lines from the outer process, pid 1 and the
// command's child never interleave.

#ifndef OCIMAKE_RUNTIME_DIAGNOSTICS_H_
#define OCIMAKE_RUNTIME_DIAGNOSTICS_H_

namespace ocimake::sandbox {

// Exit codes of ocimake-sandbox itself; anything else is the command's.
constexpr int kExitUsage = 2;
constexpr int kExitSetupFailed = 125;
constexpr int kExitNotExecutable = 126;
constexpr int kExitNotFound = 127;

// Prints "ocimake-sandbox: <message>" on stderr.
void Error(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Prints "ocimake-sandbox: <message>: <strerror(errno)>" on stderr and
// returns false, so that a failed system call reads
//   if (mount(...) != 0) return SyscallFailed("mount(\"%s\", ...)", ...);
// errno is preserved.
bool SyscallFailed(const char* format, ...)
    __attribute__((format(printf, 1, 2)));

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_DIAGNOSTICS_H_
