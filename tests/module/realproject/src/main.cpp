#include <algorithm>
#include <cctype>
#include <iostream>
#include "greet.h"
int main(int argc, char** argv) {
  std::string out = greet(argc > 1 ? argv[1] : "world");
#ifdef REALPROJ_LOUD
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
#endif
  std::cout << out << "\n";
}
