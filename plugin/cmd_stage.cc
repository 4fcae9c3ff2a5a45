#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "digest.h"
#include "error.h"
#include "fs_util.h"
#include "install_script.h"
#include "layer_entries.h"
#include "subprocess.h"

namespace ocimake {

namespace {

// One line per staged entry: type, executable bit, size, content digest or
// link target, path. Rewritten only when it changes, so Ninja skips the
// layer and closure edges when a re-install produced the same files.
std::string StageStamp(const std::string& stage) {
  std::string out;
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
      Sha256 h;
      std::string data = ReadFile(e.source, 1ull << 40);
      h.Update(data);
      out += fmt::format("f{} {} {} {}\n", (st.st_mode & S_IXUSR) ? "x" : "-", st.st_size,
                         h.Finish().hex(), e.path);
    }
  }
  return out;
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
  app.add_option("--build-dir", build_dir, "directory whose cmake_install.cmake runs")->required();
  app.add_option("--out", out, "staging tree to (re)create")->required();
  app.add_option("--stamp", stamp, "stamp file to write")->required();
  app.add_option("--prefix", prefix, "install prefix inside the image (default /usr/local)");
  app.add_option("--component", components, "install only these components (repeatable)");
  app.add_option("--config", config, "build configuration (multi-config generators)");
  app.add_option("--depfile", depfile, "depfile to write");
  app.add_option("--cmake", cmake, "the cmake executable");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  std::string abs_out = AbsolutePath(out);
  TempDir temp(DirName(abs_out), ".stage-");
  if (components.empty()) components.push_back("");
  for (const auto& c : components) {
    std::vector<std::string> argv = {cmake, "--install", build_dir, "--prefix", prefix};
    if (!c.empty()) argv.insert(argv.end(), {"--component", c});
    if (!config.empty()) argv.insert(argv.end(), {"--config", config});
    ProcessResult r = RunProcess(argv, {{"DESTDIR", temp.path()}}, true);
    if (r.status != 0) {
      std::cerr << r.output;
      Fail("cmake --install {} failed with status {}", build_dir, r.status);
    }
  }
  RemoveTree(abs_out);
  if (rename(temp.path().c_str(), abs_out.c_str()) != 0)
    FailErrno("renaming " + temp.path() + " to " + abs_out);
  temp.Release();
  WriteFileIfChanged(stamp, StageStamp(abs_out));
  if (!depfile.empty()) WriteDepfile(depfile, stamp, InstallInputs(build_dir));
  return 0;
}

}  // namespace ocimake
