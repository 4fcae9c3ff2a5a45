#include "stage/install_script.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/subprocess.h"

namespace ocimake {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxScripts = 10000;

// The quoted arguments of each file(INSTALL ...) call that follow FILES.
std::vector<std::string> InstalledSources(const std::string& script) {
  std::vector<std::string> out;
  for (size_t pos = 0; (pos = script.find("file(INSTALL", pos)) != std::string::npos;) {
    size_t end = script.find(")\n", pos);
    if (end == std::string::npos) end = script.size();
    std::string call = script.substr(pos, end - pos);
    pos = end;
    size_t files = call.find(" FILES ");
    if (files == std::string::npos) continue;
    static const std::regex kQuoted("\"([^\"]*)\"");
    std::string rest = call.substr(files);
    for (std::sregex_iterator it(rest.begin(), rest.end(), kQuoted), e; it != e; ++it) {
      std::string path = (*it)[1];
      if (!path.empty() && path[0] == '/' && path.find('$') == std::string::npos)
        out.push_back(path);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> InstallInputs(const std::string& build_dir, const PathMapper& to_host) {
  auto host = [&](const std::string& p) { return to_host ? to_host(p) : p; };
  std::set<std::string> inputs;
  std::vector<std::string> scripts = {JoinPath(build_dir, "cmake_install.cmake")};
  static const std::regex kInclude("include\\(\"([^\"]*cmake_install\\.cmake)\"\\)");
  for (size_t i = 0; i < scripts.size() && i < kMaxScripts; ++i) {
    if (!PathExists(scripts[i])) Fail("{}: missing (was the project configured?)", scripts[i]);
    inputs.insert(scripts[i]);
    std::string text = ReadFile(scripts[i]);
    for (std::sregex_iterator it(text.begin(), text.end(), kInclude), e; it != e; ++it) {
      std::string script = host((*it)[1]);
      if (!script.empty()) scripts.push_back(script);
    }
    for (const auto& named : InstalledSources(text)) {
      std::string src = host(named);
      if (src.empty()) continue;
      std::error_code ec;
      if (fs::is_directory(src, ec)) {
        inputs.insert(src);
        for (auto& f : fs::recursive_directory_iterator(src, ec)) inputs.insert(f.path().string());
      } else if (fs::exists(src, ec)) {
        inputs.insert(src);
      }
    }
  }
  return {inputs.begin(), inputs.end()};
}

std::vector<std::vector<std::string>> InstallCommands(const std::string& cmake,
                                                      const std::string& build_dir,
                                                      const std::string& prefix,
                                                      const std::vector<std::string>& components,
                                                      const std::string& config) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> which = components;
  if (which.empty()) which.push_back("");
  for (const auto& c : which) {
    std::vector<std::string> argv = {cmake, "--install", build_dir, "--prefix", prefix};
    if (!c.empty()) argv.insert(argv.end(), {"--component", c});
    if (!config.empty()) argv.insert(argv.end(), {"--config", config});
    out.push_back(argv);
  }
  return out;
}

void InstallOnHost(const std::string& cmake, const std::string& build_dir,
                   const std::string& prefix, const std::vector<std::string>& components,
                   const std::string& config, const std::string& destdir) {
  for (const auto& argv : InstallCommands(cmake, build_dir, prefix, components, config)) {
    ProcessResult r = RunProcess(argv, {{"DESTDIR", destdir}}, true);
    if (r.status != 0) {
      std::cerr << r.output;
      Fail("cmake --install {} failed with status {}", build_dir, r.status);
    }
  }
}

}  // namespace ocimake
