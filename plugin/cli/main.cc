// ocimake: the tool the CMake module's Ninja rules call. Thin: it finds the
// subcommand in the table and prints any error as one line.
#include <algorithm>
#include <cstring>
#include <iostream>

#include "base/error.h"
#include "base/strings.h"
#include "base/version.h"
#include "cli/commands.h"

namespace {

void Usage(std::ostream& out) {
  out << "usage: ocimake COMMAND [OPTIONS]   (ocimake COMMAND --help for its options)\n\n"
         "Builds OCI container images from a CMake project's install tree.\n\ncommands:\n";
  size_t column = 0;  // the longest name, then two spaces
  for (const auto& c : ocimake::AllCommands()) column = std::max(column, std::strlen(c.name) + 2);
  for (const auto& c : ocimake::AllCommands())
    out << "  " << c.name << std::string(column - std::strlen(c.name), ' ') << c.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(std::cerr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    Usage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "ocimake " << OCIMAKE_VERSION << "\n";
    return 0;
  }
  for (const auto& c : ocimake::AllCommands()) {
    if (name != c.name) continue;
    try {
      return c.run(ocimake::Args(argv + 2, argv + argc));
    } catch (const std::exception& e) {
      // Messages quote untrusted text (entry names, registry answers): one
      // line, no control character reaches the terminal.
      std::cerr << "ocimake " << name << ": " << ocimake::Printable(e.what()) << "\n";
      return 1;
    }
  }
  std::cerr << "ocimake: unknown command '" << name << "' (see ocimake --help)\n";
  return 2;
}
