#include "stage/install_script.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/subprocess.h"
#include "stage/component_layers.h"

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

// Every cmake_install.cmake reached from `build_dir`'s, with each file the
// scripts install (`files`, when given).
std::vector<std::string> InstallScripts(const std::string& build_dir, const PathMapper& to_host,
                                        std::set<std::string>* files) {
  auto host = [&](const std::string& p) { return to_host ? to_host(p) : p; };
  std::vector<std::string> scripts = {JoinPath(build_dir, "cmake_install.cmake")};
  static const std::regex kInclude("include\\(\"([^\"]*cmake_install\\.cmake)\"\\)");
  for (size_t i = 0; i < scripts.size() && i < kMaxScripts; ++i) {
    if (!PathExists(scripts[i])) Fail("{}: missing (was the project configured?)", scripts[i]);
    std::string text = ReadFile(scripts[i]);
    for (std::sregex_iterator it(text.begin(), text.end(), kInclude), e; it != e; ++it) {
      std::string script = host((*it)[1]);
      if (!script.empty()) scripts.push_back(script);
    }
    if (files)
      for (const auto& named : InstalledSources(text))
        if (std::string src = host(named); !src.empty()) files->insert(src);
  }
  return scripts;
}

}  // namespace

std::vector<std::string> InstallInputs(const std::string& build_dir, const PathMapper& to_host) {
  std::set<std::string> sources, inputs;
  for (const auto& script : InstallScripts(build_dir, to_host, &sources)) inputs.insert(script);
  for (const auto& src : sources) {
    std::error_code ec;
    if (fs::is_directory(src, ec)) {
      inputs.insert(src);
      for (auto& f : fs::recursive_directory_iterator(src, ec)) inputs.insert(f.path().string());
    } else if (fs::exists(src, ec)) {
      inputs.insert(src);
    }
  }
  return {inputs.begin(), inputs.end()};
}

std::string InstallFingerprint(const std::string& build_dir, const std::vector<InstallStep>& steps,
                               const PathMapper& to_host) {
  std::string all;
  for (const auto& script : InstallScripts(build_dir, to_host, nullptr))
    all += script + '\0' + Digest::OfFile(script).hex() + '\n';
  for (const auto& step : steps)
    for (const auto& arg : step.argv) all += arg + '\0';
  return Digest::Of(all).hex();
}

std::string InstallRecorderScript() {
  return "# Written by ocimake stage: runs one build directory's install script as\n"
         "# `cmake --install` does, then appends what it installed (file(INSTALL)'s\n"
         "# records) to a list, so the next stage can reuse this staging tree.\n"
         "include(\"${OCIMAKE_INSTALL_SCRIPT}\")\n"
         "list(JOIN CMAKE_INSTALL_MANIFEST_FILES \"\\n\" _ocimake_installed)\n"
         "file(APPEND \"${OCIMAKE_INSTALLED_LIST}\" \"${_ocimake_installed}\\n\")\n";
}

std::set<std::string> ReadInstalledList(const std::string& list) {
  std::set<std::string> out;
  if (!PathExists(list)) return out;
  std::istringstream in(ReadFile(list, uint64_t{1} << 30));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

std::vector<std::vector<std::string>> InstallCommands(const std::string& cmake,
                                                      const std::string& build_dir,
                                                      const std::string& prefix,
                                                      const std::vector<std::string>& components,
                                                      const std::string& config,
                                                      const InstallRecord& record) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> which = components;
  if (which.empty()) which.push_back("");
  for (const auto& c : which) {
    std::vector<std::string> argv = {cmake, "-DCMAKE_INSTALL_PREFIX=" + prefix};
    if (!c.empty()) argv.push_back("-DCMAKE_INSTALL_COMPONENT=" + c);
    if (!config.empty()) argv.push_back("-DCMAKE_INSTALL_CONFIG_NAME=" + config);
    argv.insert(argv.end(), {"-DOCIMAKE_INSTALL_SCRIPT=" + JoinPath(build_dir, "cmake_install.cmake"),
                             "-DOCIMAKE_INSTALLED_LIST=" + record.list, "-P", record.script});
    out.push_back(argv);
  }
  return out;
}

std::vector<InstallStep> StagingInstallSteps(const StagingInstall& in,
                                             const std::string& stage_root) {
  std::vector<InstallStep> steps;
  auto add = [&](const std::string& destdir, const std::vector<std::string>& components) {
    for (auto& argv :
         InstallCommands(in.cmake, in.build_dir, in.prefix, components, in.config, in.record))
      steps.push_back({destdir, std::move(argv)});
  };
  add(stage_root, in.components);
  for (const auto& c : in.layer_components)
    add(stage_root + "/" + kComponentsDir + "/" + c, {c});
  return steps;
}

void InstallOnHost(const std::vector<InstallStep>& steps, const std::string& build_dir) {
  for (const auto& step : steps) {
    ProcessResult r = RunProcess(step.argv, {{"DESTDIR", step.destdir}}, true);
    if (r.status != 0) {
      std::cerr << r.output;
      Fail("cmake --install {} failed with status {}", build_dir, r.status);
    }
  }
}

}  // namespace ocimake
