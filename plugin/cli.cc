#include "cli.h"

#include <cstdlib>
#include <iostream>

#include "fs_util.h"

namespace ocimake {

int ParseArgs(CLI::App& app, const Args& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "ocimake " << app.get_name() << ": " << e.what() << " (see --help)\n";
    return 2;
  }
  return -1;
}

int64_t DefaultEpoch() {
  const char* s = std::getenv("SOURCE_DATE_EPOCH");
  if (!s || !*s) return 0;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (*end || v < 0) {
    std::cerr << "ocimake: SOURCE_DATE_EPOCH='" << s << "' is not a number of seconds; using 0\n";
    return 0;
  }
  return v;
}

namespace {
std::string EscapeDepPath(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}
}  // namespace

void WriteDepfile(const std::string& depfile, const std::string& output,
                  const std::vector<std::string>& inputs) {
  std::string text = EscapeDepPath(output) + ":";
  for (const auto& i : inputs) text += " \\\n  " + EscapeDepPath(i);
  text += "\n";
  WriteFileIfChanged(depfile, text);
}

}  // namespace ocimake
