#include <sys/utsname.h>

#include <string>

#include <fmt/format.h>

// greeter [--name NAME] | --self-test
// Says hello and the machine it runs on (uname -m: x86_64, aarch64), so an
// emulated run shows that it is one.
int main(int argc, char** argv) {
  struct utsname u;
  uname(&u);
  std::string name = "world";
  if (argc > 1 && std::string(argv[1]) == "--self-test")
    return fmt::format("{}", 42) == "42" ? 0 : 1;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--name") name = argv[i + 1];
  fmt::print("hello, {}, from {}!\n", name, u.machine);
  return 0;
}
