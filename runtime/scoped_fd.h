#ifndef OCIMAKE_RUNTIME_SCOPED_FD_H_
#define OCIMAKE_RUNTIME_SCOPED_FD_H_

#include <unistd.h>

namespace ocimake::sandbox {

// Owns a file descriptor and closes it when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() { reset(); }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_SCOPED_FD_H_
