#include <iostream>
#include <string>

// hello [--name NAME | NAME]
int main(int argc, char** argv) {
  std::string who = "world";
  if (argc > 2 && std::string(argv[1]) == "--name") who = argv[2];
  else if (argc > 1) who = argv[1];
  std::cout << "hello, " << who << "!\n";
  return 0;
}
