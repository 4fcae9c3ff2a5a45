// Test helper for sandbox.setuid_helper_gains_nothing, installed setuid root
// in a test rootfs. Unlike busybox, it keeps whatever privileges exec gave
// it: it prints its effective uid, then tries to append to FILE.
// Exits 0 if the write worked, 1 if it did not. Linked statically, so it runs
// in a rootfs that has no C library.
//
//   suid_probe FILE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: suid_probe FILE\n");
    return 2;
  }
  printf("%u\n", static_cast<unsigned>(geteuid()));
  fflush(stdout);
  int fd = open(argv[1], O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "suid_probe: open(\"%s\"): %s\n", argv[1], strerror(errno));
    return 1;
  }
  const char kLine[] = "pwned\n";
  bool written = write(fd, kLine, sizeof(kLine) - 1) == sizeof(kLine) - 1;
  close(fd);
  return written ? 0 : 1;
}
