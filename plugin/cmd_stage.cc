#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "cli.h"
#include "digest.h"
#include "error.h"
#include "fs_util.h"
#include "build_stage.h"
#include "image_run.h"
#include "install_script.h"
#include "layer_entries.h"
#include "stage_filter.h"
#include "subprocess.h"

namespace ocimake {

namespace {

// One line per staged entry: type, executable bit, size, content digest or
// link target, path; then one per file left out. Rewritten only when it
// changes, so Ninja skips the layer and closure edges when a re-install
// produced the same files.
std::string StageStamp(const std::string& stage, const FilterResult& left_out) {
  std::string out;
  for (const auto& [path, kind] : left_out.development) out += "x " + path + "\n";
  for (const auto& path : left_out.excluded) out += "x " + path + "\n";
  for (const auto& e : CompleteAndSort(EntriesFromTree(stage))) {
    struct stat st;
    if (e.source.empty() || lstat(e.source.c_str(), &st) != 0) {
      out += "d - " + e.path + "\n";
    } else if (S_ISDIR(st.st_mode)) {
      out += "d - " + e.path + "\n";
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlink(e.source.c_str(), target, sizeof target);
      out += "l " + std::string(target, n > 0 ? static_cast<size_t>(n) : 0) + " " + e.path + "\n";
    } else {
      out += fmt::format("f{} {} {} {}\n", (st.st_mode & S_IXUSR) ? "x" : "-", st.st_size,
                         Digest::OfFile(e.source).hex(), e.path);
    }
  }
  return out;
}

// The defines file the module writes: one -DNAME[:TYPE]=value a line.
std::vector<std::string> ReadDefines(const std::string& file) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile(file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line.rfind("-D", 0) != 0) Fail("{}: '{}': expected -DNAME=value", file, line);
    out.push_back(line.substr(2));
  }
  return out;
}

void InstallOnHost(const std::string& cmake, const std::string& build_dir,
                   const std::string& prefix, std::vector<std::string> components,
                   const std::string& config, const std::string& destdir) {
  if (components.empty()) components.push_back("");
  for (const auto& c : components) {
    std::vector<std::string> argv = {cmake, "--install", build_dir, "--prefix", prefix};
    if (!c.empty()) argv.insert(argv.end(), {"--component", c});
    if (!config.empty()) argv.insert(argv.end(), {"--config", config});
    ProcessResult r = RunProcess(argv, {{"DESTDIR", destdir}}, true);
    if (r.status != 0) {
      std::cerr << r.output;
      Fail("cmake --install {} failed with status {}", build_dir, r.status);
    }
  }
}

// Writes the summary (first line) and the paths left out, and tells the
// user once per change.
void WriteLeftOut(const std::string& file, const FilterResult& left_out) {
  std::string summary = ExcludedSummary(left_out);
  std::string text = summary + "\n";
  for (const auto& [path, kind] : left_out.development) text += path + "\n";
  for (const auto& path : left_out.excluded) text += path + "\n";
  if (WriteFileIfChanged(file, text) && !summary.empty()) std::cerr << "ocimake: " << summary << "\n";
}

}  // namespace

int RunStage(const Args& args) {
  CLI::App app{
      "Runs a build tree's install rules (cmake --install) into a fresh staging\n"
      "tree, writes a stamp of what was staged (rewritten only on change) and a\n"
      "depfile of the install scripts and installed source files.\n\n"
      "  ocimake stage --build-dir build/examples/hello --out stage/ --stamp stage.txt",
      "stage"};
  std::string build_dir, out, stamp, depfile, prefix = "/usr/local", cmake = "cmake", config;
  std::vector<std::string> components;
  app.add_option("--build-dir", build_dir, "directory whose cmake_install.cmake runs");
  app.add_option("--out", out, "staging tree to (re)create")->required();
  app.add_option("--stamp", stamp, "stamp file to write")->required();
  app.add_option("--prefix", prefix, "install prefix inside the image (default /usr/local)");
  app.add_option("--component", components, "install only these components (repeatable)");
  app.add_option("--config", config, "build configuration (multi-config generators)");
  app.add_option("--depfile", depfile, "depfile to write");
  app.add_option("--cmake", cmake, "the cmake executable");
  BuildStage stage;
  std::string rootfs_file;
  app.add_option("--rootfs-file", rootfs_file,
                 "build in the toolchain whose rootfs path this file holds (in the sandbox)");
  app.add_option("--source-dir", stage.source_dir, "toolchain build: the project's source tree");
  app.add_option("--inner-build-dir", stage.inner_build_dir,
                 "toolchain build: the persistent inner build directory");
  app.add_option("--subdir", stage.subdir, "toolchain build: the image's directory, relative");
  app.add_option("--module-dir", stage.module_dir, "toolchain build: ocimake's cmake/ directory");
  app.add_option("--build-type", stage.build_type, "toolchain build: CMAKE_BUILD_TYPE");
  app.add_option("--define", stage.defines, "toolchain build: NAME=value cache variable");
  app.add_option("--secret", stage.secrets, "toolchain build: id=ID,src=PATH secret");
  std::string defines_file, excluded_file;
  app.add_option("--defines-file", defines_file,
                 "toolchain build: file of -DNAME[:TYPE]=value lines (before --define)");
  app.add_option("--build-target", stage.build_targets,
                 "toolchain build: also build this target before installing (repeatable)");
  StageFilter filter;
  app.add_flag("--keep-development-files", filter.keep_development_files,
               "keep headers, static libraries, CMake and pkg-config files, man and doc pages");
  app.add_option("--exclude", filter.exclude, "leave out what matches this glob (repeatable)");
  app.add_option("--excluded", excluded_file,
                 "write what was left out here: a summary line, then one path a line");
  app.add_flag("--test", stage.test, "toolchain build: run the project's ctest first");
  app.add_option("--sandbox", stage.sandbox, "the ocimake-sandbox executable");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  if (build_dir.empty() && rootfs_file.empty()) Fail("give --build-dir or --rootfs-file");
  if (!defines_file.empty()) {
    std::vector<std::string> defines = ReadDefines(defines_file);
    stage.defines.insert(stage.defines.begin(), defines.begin(), defines.end());
  }
  std::string abs_out = AbsolutePath(out);
  TempDir temp(DirName(abs_out), ".stage-");
  if (!rootfs_file.empty()) {
    std::string rootfs = ReadFile(rootfs_file);
    stage.rootfs = rootfs.substr(0, rootfs.find('\n'));
    if (stage.sandbox.empty()) stage.sandbox = FindSandbox();
    stage.prefix = prefix;
    stage.components = components;
    if (stage.source_dir.empty() || stage.inner_build_dir.empty() || stage.module_dir.empty())
      Fail("--rootfs-file needs --source-dir, --inner-build-dir and --module-dir");
    RunBuildStage(stage, temp.path());
  } else {
    InstallOnHost(cmake, build_dir, prefix, components, config, temp.path());
  }
  FilterResult left_out = FilterStagedTree(temp.path(), filter);
  RemoveTree(abs_out);
  if (rename(temp.path().c_str(), abs_out.c_str()) != 0)
    FailErrno("renaming " + temp.path() + " to " + abs_out);
  temp.Release();
  if (!excluded_file.empty()) WriteLeftOut(excluded_file, left_out);
  WriteFileIfChanged(stamp, StageStamp(abs_out, left_out));
  if (depfile.empty()) return 0;
  WriteDepfile(depfile, stamp,
               rootfs_file.empty() ? InstallInputs(build_dir) : BuildStageInputs(stage));
  return 0;
}

}  // namespace ocimake
