#include "stage/build_stage.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "oci/platform.h"
#include "rootfs/sandbox_command.h"
#include "stage/cache_mounts.h"
#include "stage/compiler_cache_remote.h"
#include "stage/component_layers.h"
#include "stage/install_script.h"

namespace ocimake {

namespace {

constexpr char kConfigArgsFile[] = ".ocimake-configure-args";
// Written by the inner configure (OcimakeInstallRules.cmake): per image
// directory, the targets its install rules need.
constexpr char kTargetsFile[] = "ocimake-installed-targets.txt";
constexpr char kStepFile[] = ".ocimake-step";
constexpr char kDepsFile[] = ".ocimake-deps";
constexpr char kTestLog[] = ".ocimake-ctest.log";
constexpr char kInstallLog[] = ".ocimake-install.log";
// The install's record (install_script.h): the recorder script in the
// config directory, the list in the inner build directory.
constexpr char kRecorderScript[] = "install-recorder.cmake";
constexpr char kInstalledList[] = ".ocimake-installed";

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

constexpr char kConfigureLog[] = ".ocimake-configure.log";

std::string SourceRoot(const BuildStage& s) {
  return s.source_root.empty() ? s.source_dir : s.source_root;
}

// The project's directory inside the sandbox: /src, or /src/<path> below a
// SOURCE_ROOT.
std::string ProjectInStage(const BuildStage& s) {
  std::string root = SourceRoot(s);
  if (s.source_dir == root) return "/src";
  if (s.source_dir.rfind(root + "/", 0) != 0)
    Fail("SOURCE_ROOT {}: does not hold the project's source directory {}", root, s.source_dir);
  return "/src" + s.source_dir.substr(root.size());
}

bool IsCrossBuild(const BuildStage& s) {
  return !s.platform.empty() &&
         PlatformInfoOf(ParsePlatform(s.platform)).name != PlatformInfoOf(HostPlatform()).name;
}

// A cross build's emulator must be in the rootfs for its tests to run.
void CheckEmulator(const BuildStage& s) {
  const PlatformInfo& p = PlatformInfoOf(ParsePlatform(s.platform));
  std::string qemu = fmt::format("/usr/bin/qemu-{}-static", p.qemu);
  if (!PathExists(s.rootfs + qemu))
    Fail("TEST_STAGE for {}: the toolchain has no {} to run the tests under (declare the "
         "toolchain with PLATFORMS {}, or add qemu-user-static to its PACKAGES)",
         p.name, qemu, p.name);
}

// The stage's sandbox: the rootfs, the source read-only at /src, the inner
// build directory at /build, the module and its config read-only, the
// staging tree at /ocimake/stage, the cache mounts read-write (with the
// compiler cache's environment), and the secrets when asked for.
class StageSandbox {
 public:
  StageSandbox(const BuildStage& s, const std::string& stage_dir) {
    std::string cache_dir = s.cache_dir.empty() ? DefaultCacheDir() : s.cache_dir;
    std::vector<CacheMount> mounts =
        CacheMounts(s.cache_mounts, s.compiler_cache, s.rootfs, cache_dir);
    compiler_ = CompilerCache(s.compiler_cache, s.rootfs, s.toolchain, mounts);
    LockSccacheDir(mounts);
    config_dir_ = s.inner_build_dir + ".config";
    MakeDirs(config_dir_);
    WriteFileIfChanged(JoinPath(config_dir_, "ocimake-config.cmake"),
                       "# Written by ocimake for its build stage: the project is being built\n"
                       "# inside a toolchain; ocimake's commands only note what to build.\n"
                       "set(OCIMAKE_IN_BUILD_STAGE ON)\n"
                       "include(/ocimake/cmake/Ocimake.cmake)\n");
    if (IsCrossBuild(s))
      WriteFileIfChanged(JoinPath(config_dir_, "cross-toolchain.cmake"),
                         CrossToolchainFile(s.platform));
    WriteFileIfChanged(JoinPath(config_dir_, kRecorderScript), InstallRecorderScript());
    spec_.sandbox = s.sandbox;
    spec_.rootfs = s.rootfs;
    spec_.binds = {{SourceRoot(s), "/src", true},       {s.inner_build_dir, "/build", false},
                   {s.module_dir, "/ocimake/cmake", true}, {config_dir_, "/ocimake/config", true},
                   {stage_dir, "/ocimake/stage", false}};
    for (const auto& m : mounts) {  // made once the compiler cache's checks passed
      MakeDirs(m.host);
      spec_.binds.push_back({m.host, m.target, false});
    }
    spec_.env = {{"HOME", "/tmp"}};
    spec_.env.insert(spec_.env.end(), compiler_.env.begin(), compiler_.env.end());
    AddCompilerCacheRemote(s, mounts);
    spec_.chdir = "/build";
    for (const auto& text : s.secrets) {
      Secret secret = ParseSecret(text);
      secrets_.push_back({AbsolutePath(secret.src), "/run/secrets/" + secret.id, true});
    }
  }

  const std::string& config_dir() const { return config_dir_; }

  // sccache's disk cache expects one server only (each keeps its own index
  // of the directory, writes entries in place and evicts by it): the build
  // stages of other build directories that use the same mount wait, from
  // now until the sandbox object goes, on "<mount>.server.lock" beside it
  // (a ".lock" name, which `ocimake cache` passes over).
  void LockSccacheDir(const std::vector<CacheMount>& mounts) {
    if (compiler_.kind != "sccache") return;
    for (const auto& m : mounts)
      if (m.id == compiler_.kind) {
        MakeDirs(DirName(m.host));
        server_lock_ = std::make_unique<FileLock>(m.host + ".server.lock");
      }
  }
  const CompilerCacheSetup& compiler() const { return compiler_; }

  // With ccache and a remote: its socket and configuration, for as long as
  // the sandbox object lives (the relay runs that long).
  // The configuration ccache reads instead of its directory's ccache.conf
  // starts with that file's settings.
  void AddCompilerCacheRemote(const BuildStage& s, const std::vector<CacheMount>& mounts) {
    if (s.compiler_cache != "ccache" || s.compiler_cache_remote.empty()) return;
    std::string own;
    for (const auto& m : mounts)
      if (m.id == s.compiler_cache && PathExists(JoinPath(m.host, "ccache.conf")))
        own = ReadFile(JoinPath(m.host, "ccache.conf"), 1 << 20);
    remote_ = std::make_unique<CompilerCacheAccess>(s.compiler_cache_remote, own);
    spec_.binds.insert(spec_.binds.end(), remote_->binds().begin(), remote_->binds().end());
    spec_.env.insert(spec_.env.end(), remote_->env().begin(), remote_->env().end());
    spec_.forward_port = remote_->forward_port();
    spec_.forward_socket = kCompilerCacheSocket;
  }

  // Runs a command in the sandbox; `with_secrets` for build and test only.
  ProcessResult Run(const std::vector<std::string>& command, bool with_secrets) const {
    SandboxSpec spec = spec_;
    if (with_secrets) spec.binds.insert(spec.binds.end(), secrets_.begin(), secrets_.end());
    spec.command = command;
    return RunProcess(SandboxArgv(spec), {}, false);
  }

 private:
  std::string config_dir_;
  CompilerCacheSetup compiler_;
  std::unique_ptr<CompilerCacheAccess> remote_;
  std::unique_ptr<FileLock> server_lock_;
  SandboxSpec spec_;
  std::vector<Bind> secrets_;
};

// The inner configure; its words are also the arguments file's, so a
// changed compiler launcher configures again.
std::vector<std::string> ConfigureCommand(const BuildStage& s, const CompilerCacheSetup& cc) {
  std::vector<std::string> argv = {"cmake", "-G", "Ninja", "-S", ProjectInStage(s), "-B", "/build",
                                   "-Docimake_DIR=/ocimake/config",
                                   "-DOCIMAKE_IN_BUILD_STAGE=ON", "--no-warn-unused-cli"};
  if (IsCrossBuild(s))
    argv.push_back("-DCMAKE_TOOLCHAIN_FILE=/ocimake/config/cross-toolchain.cmake");
  if (!s.build_type.empty()) argv.push_back("-DCMAKE_BUILD_TYPE=" + s.build_type);
  argv.insert(argv.end(), cc.configure_args.begin(), cc.configure_args.end());
  for (const auto& d : s.defines) argv.push_back("-D" + d);
  return argv;
}

// The words of a build.ninja that are absolute paths below /src ($-escapes
// undone): the inner build's inputs from the source tree.
std::vector<std::string> NinjaPaths(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.rfind("/src/", 0) == 0) out.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '$' && i + 1 < text.size()) {
      char next = text[++i];
      if (next == '\n') flush();
      else word += next;  // "$ ", "$:", "$$"
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '|' || c == ':') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

std::string Subdir(const BuildStage& s) { return s.subdir.empty() ? "." : s.subdir; }

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ShellLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + ShellQuote(a);
  return line;
}

// An inner cache made for another source path (SOURCE_ROOT changed moves
// the project below /src) is removed: cmake refuses to reuse it.
void RemoveCacheOfOtherSource(const BuildStage& s) {
  std::string cache = JoinPath(s.inner_build_dir, "CMakeCache.txt");
  if (!PathExists(cache)) return;
  std::string line = "\nCMAKE_HOME_DIRECTORY:INTERNAL=" + ProjectInStage(s) + "\n";
  if (ReadFile(cache).find(line) == std::string::npos) RemoveFileIfExists(cache);
}

// A configure that failed reading a file above the project's directory
// (/src/../../lib/zstd.h: a project in a subfolder of its repository) needs
// a wider SOURCE_ROOT: say so, naming the directory.
void FailIfOutsideSource(const BuildStage& s) {
  std::string log_path = JoinPath(s.inner_build_dir, kConfigureLog);
  if (!PathExists(log_path)) return;
  // An absolute path that climbs out of /src, or a source file CMake did not
  // find at a path that climbs out of the project's directory.
  static const std::regex kOutside(R"((/src(/[^\s'"]*)?/\.\./[^\s'"]*))");
  static const std::regex kMissingSource(R"(Cannot find source file:\s+(\.\./[^\s'"]*))");
  std::string log = ReadFile(log_path);
  std::smatch m;
  std::string in_stage;
  if (std::regex_search(log, m, kOutside)) in_stage = m[1].str();
  else if (std::regex_search(log, m, kMissingSource)) in_stage = ProjectInStage(s) + "/" + m[1].str();
  else return;
  std::string host = JoinPath(SourceRoot(s), in_stage.substr(std::min<size_t>(5, in_stage.size())));
  Fail("configuring the project in the toolchain failed: it reads {} ({} on the host), outside "
       "its source directory, which is all the stage sees at /src; give add_container_image() "
       "SOURCE_ROOT <the directory that holds both>", in_stage,
       std::filesystem::path(host).lexically_normal().string());
}

// Without a compiler cache, the launcher an earlier configure set for one
// goes (-U, before the project's own -D): the inner cache would keep it.
std::vector<std::string> ConfigureWithoutOldLauncher(const BuildStage& s,
                                                     const CompilerCacheSetup& cc) {
  std::vector<std::string> argv = ConfigureCommand(s, cc);
  std::string cache = JoinPath(s.inner_build_dir, "CMakeCache.txt");
  if (!cc.configure_args.empty() || !PathExists(cache)) return argv;
  static const std::regex kOurs(R"((^|\n)CMAKE_CXX_COMPILER_LAUNCHER(:[A-Z]+)?=(ccache|sccache)\n)");
  if (!std::regex_search(ReadFile(cache), kOurs)) return argv;
  argv.insert(argv.end() - static_cast<std::ptrdiff_t>(s.defines.size()),
              {"-UCMAKE_C_COMPILER_LAUNCHER", "-UCMAKE_CXX_COMPILER_LAUNCHER"});
  return argv;
}

// The configure step, its output kept too, for the hint on a failure.
std::string ConfigureScript(const BuildStage& s, const CompilerCacheSetup& cc) {
  std::string log = kConfigureLog;
  return "step configure\n{ status=0; " + ShellLine(ConfigureWithoutOldLauncher(s, cc)) +
         " 2>&1 || status=$?; echo $status >" + log + ".status; } | tee " + log +
         "\nstatus=$(cat " + log + ".status)\n[ \"$status\" = 0 ] || exit \"$status\"\n";
}

// Each step writes its name to /build/.ocimake-step first, so a failure is
// reported by what failed; output goes to the terminal, except ctest's and
// the install's, kept in a log and shown on failure (ctest's always).
std::string BuildScript(const BuildStage& s, const CompilerCacheSetup& cc, bool configure) {
  std::string sh = "set -e\ncd /build\nstep() { echo \"$1\" >/build/" + std::string(kStepFile) +
                   "; }\n";
  sh += cc.script_start;
  if (configure) sh += ConfigureScript(s, cc);
  sh += "step build\n" + cc.build_start;
  if (s.test) {
    sh += "ninja -C /build\n";
  } else {
    // What the install rules need, as the inner configure listed it; if
    // the build re-ran cmake (a CMakeLists changed) and the list changed,
    // the new list is built too. Without a list (an older build), all.
    std::string extra;
    for (const auto& t : s.build_targets) extra += " " + ShellQuote(t);
    sh += "needed() { awk -F '\\t' -v d=" + ShellQuote(Subdir(s)) + " '$1 == d { print $2 }' " +
          kTargetsFile + "; }\n"
          "if [ -f " + std::string(kTargetsFile) + " ]; then\n"
          "  targets=\"$(needed)" + extra + "\"\n"
          "  [ -z \"$targets\" ] || ninja -C /build $targets\n"
          "  again=\"$(needed)" + extra + "\"\n"
          "  [ \"$again\" = \"$targets\" ] || [ -z \"$again\" ] || ninja -C /build $again\n"
          "else\n  ninja -C /build\nfi\n";
  }
  sh += cc.build_end;
  sh += "ninja -C /build -t deps >" + std::string(kDepsFile) + " 2>/dev/null || : >" + kDepsFile +
        "\n";
  if (s.test) {
    sh += "state=$(stat -c '%s %Y' .ninja_log CMakeCache.txt)\n"
          "if [ \"$state\" != \"$(cat .ocimake-tested 2>/dev/null)\" ]; then\n"
          "  step test\n  rm -f .ocimake-tested\n"
          "  ctest --test-dir /build --output-on-failure >" + std::string(kTestLog) +
          " 2>&1 || { cat " + kTestLog + " >&2; exit 1; }\n"
          "  cat " + kTestLog + " >&2\n  echo \"$state\" >.ocimake-tested\n"
          "else\n  echo 'ocimake: TEST_STAGE: nothing was rebuilt since the tests passed; not "
          "re-run' >&2\nfi\n";
  }
  return sh;
}

const InstallRecord& RecordInStage() {
  static const InstallRecord kRecord{std::string("/ocimake/config/") + kRecorderScript,
                                     std::string("/build/") + kInstalledList};
  return kRecord;
}

std::string InstallDirInStage(const BuildStage& s) {
  return Subdir(s) == "." ? "/build" : "/build/" + Subdir(s);
}

std::string InstallDirOnHost(const BuildStage& s) {
  return Subdir(s) == "." ? s.inner_build_dir : JoinPath(s.inner_build_dir, Subdir(s));
}

std::vector<InstallStep> InstallSteps(const BuildStage& s) {
  StagingInstall install;
  install.build_dir = InstallDirInStage(s);
  install.prefix = s.prefix;
  install.components = s.components;
  install.layer_components = s.layer_components;
  install.record = RecordInStage();
  return StagingInstallSteps(install, "/ocimake/stage");
}

std::string InstallScript(const BuildStage& s) {
  std::string sh = "set -e\ncd /build\necho install >/build/" + std::string(kStepFile) + "\n" +
                   "rm -f " + RecordInStage().list + "\n";
  for (const auto& step : InstallSteps(s))
    sh += "DESTDIR=" + step.destdir + " " + ShellLine(step.argv) + " >" + kInstallLog + " 2>&1 || { cat " +
          kInstallLog + " >&2; exit 1; }\n";
  return sh + "echo done >/build/" + kStepFile + "\n";
}

// Maps a path inside the stage to the host: /build/... to the inner build
// directory, /src/... to the source tree, anything else to "".
PathMapper StageToHost(const BuildStage& s) {
  return [&s](const std::string& p) -> std::string {
    if (p.rfind("/build/", 0) == 0) return JoinPath(s.inner_build_dir, p.substr(7));
    if (p.rfind("/src/", 0) == 0) return JoinPath(SourceRoot(s), p.substr(5));
    return "";
  };
}

// Runs `script` with /bin/sh in the sandbox; fails naming the step that
// failed (the script records it).
void RunScript(const StageSandbox& sandbox, const BuildStage& s, const std::string& name,
               const std::string& script, bool with_secrets) {
  std::string step_file = JoinPath(s.inner_build_dir, kStepFile);
  WriteFileAtomic(JoinPath(sandbox.config_dir(), name), script);
  RemoveFileIfExists(step_file);
  ProcessResult r = sandbox.Run({"/bin/sh", "/ocimake/config/" + name}, with_secrets);
  if (r.status == 0) return;
  // The next run configures afresh: a failed regeneration inside the build
  // can leave the inner cache broken while the arguments still match.
  RemoveFileIfExists(JoinPath(s.inner_build_dir, kConfigArgsFile));
  std::string step = PathExists(step_file) ? ReadFile(step_file) : "";
  step = FirstLine(step);
  if (step == "configure" && r.status == 127)
    Fail("the toolchain has no cmake: add cmake and ninja-build to its packages");
  if (step == "configure") FailIfOutsideSource(s);
  if (step == "test") {
    std::string log = JoinPath(s.inner_build_dir, kTestLog);
    std::string summary = PathExists(log) ? FailedTestsSummary(ReadFile(log)) : "";
    Fail("{}", summary.empty() ? fmt::format("TEST_STAGE failed: ctest exited with status {}",
                                             r.status)
                               : summary);
  }
  static const std::map<std::string, std::string> kWhat = {
      {"configure", "configuring"}, {"build", "building"}, {"install", "installing"},
      {"sccache", "starting sccache's server for"}};
  auto it = kWhat.find(step);
  Fail("{} the project in the toolchain failed (status {})",
       it == kWhat.end() ? "running the build stage" : it->second, r.status);
}

// One line of what the compiler cache did in this build, from its
// statistics (in the inner build directory); nothing when nothing was
// compiled, a warning when they cannot be read.
void PrintCompilerCacheStats(const BuildStage& s, const CompilerCacheSetup& cc) {
  if (!StartsWith(cc.stats_file, "/build/")) return;
  std::string file = JoinPath(s.inner_build_dir, cc.stats_file.substr(7));
  if (!PathExists(file)) return;
  std::string line;
  try {
    std::string text = ReadFile(file);
    line = CompilerCacheSummary(
        cc.kind == "sccache" ? ReadSccacheStats(text) : ReadCcacheStatsLog(text), cc.kind);
  } catch (const Error& e) {
    line = std::string("warning: ") + e.what();
  }
  if (!line.empty()) std::cerr << "ocimake: " << line << "\n";
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

std::string CrossToolchainFile(const std::string& platform) {
  const PlatformInfo& p = PlatformInfoOf(ParsePlatform(platform));
  return fmt::format(
      "# Written by ocimake: the project cross-built for {name} in a toolchain rootfs\n"
      "# made with PLATFORMS (Debian's crossbuild-essential-{debian} and multiarch\n"
      "# packages), its tests run under qemu-user-static.\n"
      "set(CMAKE_SYSTEM_NAME Linux)\n"
      "set(CMAKE_SYSTEM_PROCESSOR {processor})\n"
      "set(CMAKE_C_COMPILER /usr/bin/{triplet}-gcc)\n"
      "set(CMAKE_CXX_COMPILER /usr/bin/{triplet}-g++)\n"
      "set(CMAKE_LIBRARY_ARCHITECTURE {multiarch})\n"
      "# Libraries, headers and packages: the target's multiarch directories\n"
      "# (/usr/lib/{multiarch}) and the cross compiler's own tree; programs:\n"
      "# the build machine's.\n"
      "set(CMAKE_FIND_ROOT_PATH /usr/{triplet})\n"
      "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
      "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)\n"
      "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)\n"
      "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)\n"
      "set(ENV{{PKG_CONFIG_LIBDIR}} /usr/lib/{multiarch}/pkgconfig:/usr/share/pkgconfig)\n"
      "set(ENV{{PKG_CONFIG_PATH}} \"\")\n"
      "set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-{qemu}-static)\n",
      fmt::arg("name", p.name), fmt::arg("debian", p.debian),
      fmt::arg("processor", p.processor), fmt::arg("triplet", p.triplet),
      fmt::arg("multiarch", p.multiarch), fmt::arg("qemu", p.qemu));
}

void RunBuildStage(const BuildStage& s, const std::string& stage_dir) {
  MakeDirs(s.inner_build_dir);
  if (s.test && IsCrossBuild(s)) CheckEmulator(s);
  StageSandbox sandbox(s, stage_dir);
  std::string args_file = JoinPath(s.inner_build_dir, kConfigArgsFile);
  std::string args_text;
  for (const auto& a : ConfigureCommand(s, sandbox.compiler())) args_text += a + "\n";
  bool configured = PathExists(JoinPath(s.inner_build_dir, "CMakeCache.txt")) &&
                    PathExists(args_file) && ReadFile(args_file) == args_text;
  if (!configured) {
    RemoveFileIfExists(args_file);
    RemoveCacheOfOtherSource(s);
  }
  std::string build = BuildScript(s, sandbox.compiler(), !configured);
  if (s.secrets.empty()) {
    RunScript(sandbox, s, "stage.sh", build + InstallScript(s), false);
  } else {
    RunScript(sandbox, s, "build.sh", build, true);
    RunScript(sandbox, s, "install.sh", InstallScript(s), false);
  }
  if (!configured) WriteFileAtomic(args_file, args_text);
  PrintCompilerCacheStats(s, sandbox.compiler());
}

std::vector<std::string> BuildStageInputs(const BuildStage& s) {
  auto to_host = [&](const std::string& p) -> std::string {
    if (p.rfind("/src/", 0) != 0) return "";
    return JoinPath(SourceRoot(s), p.substr(5));
  };
  std::set<std::string> inputs;
  auto add = [&](const std::string& named) {
    std::string host = to_host(named);
    if (!host.empty() && PathExists(host)) inputs.insert(host);
  };
  std::string deps = JoinPath(s.inner_build_dir, kDepsFile);
  if (PathExists(deps)) {
    std::istringstream in(ReadFile(deps));
    for (std::string line; std::getline(in, line);)
      if (line.rfind("    ", 0) == 0) add(line.substr(4));
  }
  for (const auto& word : NinjaPaths(ReadFile(JoinPath(s.inner_build_dir, "build.ninja"))))
    add(word);
  for (const auto& f : InstallInputs(InstallDirOnHost(s), StageToHost(s)))
    if (f.rfind(SourceRoot(s) + "/", 0) == 0) inputs.insert(f);
  return {inputs.begin(), inputs.end()};
}

std::string BuildStageInstalledList(const BuildStage& s) {
  return JoinPath(s.inner_build_dir, kInstalledList);
}

std::string BuildStageInstallFingerprint(const BuildStage& s) {
  return InstallFingerprint(InstallDirOnHost(s), InstallSteps(s), StageToHost(s));
}

}  // namespace ocimake
