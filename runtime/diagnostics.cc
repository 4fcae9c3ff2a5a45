#include "diagnostics.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

namespace ocimake::sandbox {
namespace {

constexpr char kPrefix[] = "ocimake-sandbox: ";

// Formats prefix + message (+ ": " + strerror(error) when error != 0) and
// writes it as one line.
void WriteLine(int error, const char* format, va_list args) {
  char line[4096];
  size_t used = snprintf(line, sizeof(line), "%s", kPrefix);
  int n = vsnprintf(line + used, sizeof(line) - used, format, args);
  used = n < 0 ? used : std::min(sizeof(line) - 1, used + n);
  if (error != 0 && used < sizeof(line) - 1) {
    n = snprintf(line + used, sizeof(line) - used, ": %s", strerror(error));
    used = n < 0 ? used : std::min(sizeof(line) - 1, used + n);
  }
  if (used >= sizeof(line) - 1) used = sizeof(line) - 2;
  line[used++] = '\n';
  for (size_t i = 0; i + 1 < used; ++i) {
    if (line[i] == '\n') line[i] = ' ';  // Keep it one line.
  }
  ssize_t ignored = write(STDERR_FILENO, line, used);
  (void)ignored;
}

}  // namespace

void Error(const char* format, ...) {
  int saved_errno = errno;
  va_list args;
  va_start(args, format);
  WriteLine(0, format, args);
  va_end(args);
  errno = saved_errno;
}

bool SyscallFailed(const char* format, ...) {
  int saved_errno = errno;
  va_list args;
  va_start(args, format);
  WriteLine(saved_errno, format, args);
  va_end(args);
  errno = saved_errno;
  return false;
}

}  // namespace ocimake::sandbox
