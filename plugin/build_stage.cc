#include "build_stage.h"

#include <iostream>
#include <regex>
#include <sstream>

#include "error.h"
#include "fs_util.h"
#include "subprocess.h"

namespace ocimake {

namespace {

constexpr char kConfigArgsFile[] = ".ocimake-configure-args";

struct Secret {
  std::string id, src;
};

Secret ParseSecret(const std::string& text) {
  Secret s;
  std::istringstream in(text);
  std::string field;
  while (std::getline(in, field, ',')) {
    if (field.rfind("id=", 0) == 0) s.id = field.substr(3);
    else if (field.rfind("src=", 0) == 0) s.src = field.substr(4);
    else Fail("SECRETS {}: unknown field '{}' (expected id=ID,src=PATH)", text, field);
  }
  static const std::regex kId("[A-Za-z0-9_.-]+");
  if (!std::regex_match(s.id, kId) || s.id == "." || s.id == "..")
    Fail("SECRETS {}: id must be letters, digits and _.-", text);
  if (s.src.empty() || !PathExists(s.src)) Fail("SECRETS {}: src '{}': no such file", text, s.src);
  return s;
}

class StageSandbox {
 public:
  StageSandbox(const BuildStage& s, const std::string& stage_dir) : s_(s) {
    config_dir_ = s.inner_build_dir + ".config";
    MakeDirs(config_dir_);
    WriteFileIfChanged(JoinPath(config_dir_, "ocimake-config.cmake"),
                       "# Written by ocimake for its build stage: the project is being built\n"
                       "# inside a toolchain; ocimake's commands only check their arguments.\n"
                       "set(OCIMAKE_IN_BUILD_STAGE ON)\n"
                       "include(/ocimake/cmake/Ocimake.cmake)\n");
    base_ = {s.sandbox, "--rootfs", s.rootfs, "--ro-bind", s.source_dir, "/src",
             "--bind", s.inner_build_dir, "/build", "--ro-bind", s.module_dir, "/ocimake/cmake",
             "--ro-bind", config_dir_, "/ocimake/config", "--bind", stage_dir, "/ocimake/stage",
             "--setenv", "HOME", "/tmp", "--chdir", "/build"};
    for (const auto& text : s.secrets) {
      Secret secret = ParseSecret(text);
      secrets_.insert(secrets_.end(),
                      {"--ro-bind", AbsolutePath(secret.src), "/run/secrets/" + secret.id});
    }
  }

  // Runs a command in the sandbox; `with_secrets` for build and test only.
  ProcessResult Run(const std::vector<std::string>& command, bool with_secrets, bool capture,
                    const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = base_;
    if (with_secrets) argv.insert(argv.end(), secrets_.begin(), secrets_.end());
    for (const auto& kv : env) {
      auto eq = kv.find('=');
      argv.insert(argv.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
    }
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return RunProcess(argv, {}, capture);
  }

 private:
  const BuildStage& s_;
  std::string config_dir_;
  std::vector<std::string> base_, secrets_;
};

std::vector<std::string> ConfigureCommand(const BuildStage& s) {
  std::vector<std::string> argv = {"cmake", "-G", "Ninja", "-S", "/src", "-B", "/build",
                                   "-Docimake_DIR=/ocimake/config",
                                   "-DOCIMAKE_IN_BUILD_STAGE=ON"};
  if (!s.build_type.empty()) argv.push_back("-DCMAKE_BUILD_TYPE=" + s.build_type);
  for (const auto& d : s.defines) argv.push_back("-D" + d);
  return argv;
}

}  // namespace

std::string FailedTestsSummary(const std::string& out) {
  auto pos = out.find("The following tests FAILED:");
  if (pos == std::string::npos) return "";
  std::istringstream in(out.substr(pos));
  std::string line, names;
  int count = 0;
  std::getline(in, line);
  static const std::regex kRow(R"(^\s*\d+ - (.+) \((.+)\)\s*$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, kRow)) break;
    names += (count++ ? ", " : "") + m[1].str();
  }
  return fmt::format("TEST_STAGE failed: {} test{} failed: {}", count, count == 1 ? "" : "s",
                     names);
}

void RunBuildStage(const BuildStage& s, const std::string& stage_dir) {
  MakeDirs(s.inner_build_dir);
  StageSandbox sandbox(s, stage_dir);
  std::vector<std::string> configure = ConfigureCommand(s);
  std::string args_file = JoinPath(s.inner_build_dir, kConfigArgsFile);
  std::string args_text;
  for (const auto& a : configure) args_text += a + "\n";
  bool configured = PathExists(JoinPath(s.inner_build_dir, "CMakeCache.txt")) &&
                    PathExists(args_file) && ReadFile(args_file) == args_text;
  if (!configured) {
    ProcessResult r = sandbox.Run(configure, true, false);
    if (r.status == 127)
      Fail("the toolchain has no cmake: add cmake and ninja-build to its packages");
    if (r.status != 0) Fail("configuring the project in the toolchain failed (status {})", r.status);
    WriteFileAtomic(args_file, args_text);
  }
  ProcessResult build = sandbox.Run({"cmake", "--build", "/build"}, true, false);
  if (build.status != 0) Fail("building the project in the toolchain failed (status {})", build.status);
  if (s.test) {
    ProcessResult t = sandbox.Run({"ctest", "--test-dir", "/build", "--output-on-failure"}, true, true);
    std::cerr << t.output;
    if (t.status != 0) {
      std::string summary = FailedTestsSummary(t.output);
      Fail("{}", summary.empty() ? fmt::format("TEST_STAGE failed: ctest exited with status {}",
                                               t.status)
                                 : summary);
    }
  }
  std::string install_dir = s.subdir.empty() || s.subdir == "." ? "/build" : "/build/" + s.subdir;
  std::vector<std::string> components = s.components;
  if (components.empty()) components.push_back("");
  for (const auto& c : components) {
    std::vector<std::string> argv = {"cmake", "--install", install_dir, "--prefix", s.prefix};
    if (!c.empty()) argv.insert(argv.end(), {"--component", c});
    ProcessResult r = sandbox.Run(argv, false, true, {"DESTDIR=/ocimake/stage"});
    if (r.status != 0) {
      std::cerr << r.output;
      Fail("installing the project in the toolchain failed (status {})", r.status);
    }
  }
}

}  // namespace ocimake
