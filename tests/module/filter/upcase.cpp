// A filter: upper-cases its input (a file, or standard input), then says how
// many lines it read and what the first was. `upcase --write FILE` appends
// to FILE instead and says whether it could.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

int Write(const char* path) {
  std::ofstream out(path, std::ios::app);
  if (!out) {
    std::cout << "cannot write " << path << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  out << "written from the container\n";
  std::cout << "wrote " << path << "\n";
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write") return Write(argv[2]);
  std::ifstream file;
  if (argc == 2) file.open(argv[1]);
  if (argc == 2 && !file) {
    std::cerr << argv[1] << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  std::istream& in = argc == 2 ? static_cast<std::istream&>(file) : std::cin;
  std::string line, first;
  int lines = 0;
  while (std::getline(in, line)) {
    for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (lines++ == 0) first = line;
    std::cout << line << "\n";
  }
  std::cout << "lines=" << lines << " first=" << first << "\n";
  return lines > 0 ? 0 : 1;
}
