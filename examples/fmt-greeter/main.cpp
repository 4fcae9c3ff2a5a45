#include <cstdlib>
#include <string>

#include <fmt/format.h>

int main(int argc, char** argv) {
  std::string name = "world";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--name") name = argv[i + 1];
  const char* greeting = std::getenv("GREETING");
  fmt::print("{}, {}!\n", greeting ? greeting : "hello", name);
  return 0;
}
