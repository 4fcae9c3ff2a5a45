#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/file_digest_cache.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "cli/cli.h"
#include "closure/closure.h"
#include "layer/layer_entries.h"
#include "rootfs/image_run.h"
#include "stage/build_stage.h"
#include "stage/compiler_cache_remote.h"
#include "stage/component_layers.h"
#include "stage/incremental_stage.h"
#include "stage/input_manifest.h"
#include "stage/install_script.h"
#include "stage/stage_filter.h"

namespace ocimake {

namespace {

// One line per staged entry: type, executable bit, size, content digest or
// link target, path; then one per file left out. Rewritten only when it
// changes, so Ninja skips the layer and closure edges when a re-install
// produced the same files.
std::string StageStamp(const std::vector<LayerEntry>& entries, const FilterResult& left_out,
                       FileDigestCache& digests) {
  std::string out;
  for (const auto& [path, kind] : left_out.development) out += "x " + path + "\n";
  for (const auto& path : left_out.excluded) out += "x " + path + "\n";
  for (const auto& e : CompleteAndSort(entries)) {
    struct stat st;
    if (e.source.empty() || lstat(e.source.c_str(), &st) != 0)
      out += "d - " + e.path + "\n";
    else
      out += EntryStampLine(e, st, digests);
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

// Writes the summary (first line) and the paths left out, and tells the
// user once per change.
void WriteLeftOut(const std::string& file, const FilterResult& left_out) {
  std::string summary = ExcludedSummary(left_out);
  std::string text = summary + "\n";
  for (const auto& [path, kind] : left_out.development) text += path + "\n";
  for (const auto& path : left_out.excluded) text += path + "\n";
  if (WriteFileIfChanged(file, text) && !summary.empty())
    std::cerr << "ocimake: " << Printable(summary) << "\n";
}

// What `ocimake stage` was asked to do.
struct StageCommand {
  std::string build_dir, out, stamp, closure_stamp, depfile, inputs_manifest, inputs_probe,
      prefix = "/usr/local", cmake = "cmake", config;
  size_t depfile_max = 2000;
  std::vector<std::string> components, layer_components;
  std::string rootfs_file, defines_file, excluded_file, layers_dir, compiler_cache_remote_file;
  BuildStage stage;  // the toolchain build's settings
  StageFilter filter;
};

void AddHostOptions(CLI::App& app, StageCommand* c) {
  app.add_option("--build-dir", c->build_dir, "directory whose cmake_install.cmake runs");
  app.add_option("--out", c->out, "staging tree to (re)create")->required();
  app.add_option("--stamp", c->stamp, "stamp file to write")->required();
  app.add_option("--closure-stamp", c->closure_stamp,
                 "a stamp of what `ocimake closure` reads of the tree (its ELF files, links "
                 "and paths), rewritten only when that changed");
  app.add_option("--prefix", c->prefix, "install prefix inside the image (default /usr/local)");
  app.add_option("--component", c->components, "install only these components (repeatable)");
  app.add_option("--config", c->config, "build configuration (multi-config generators)");
  app.add_option("--depfile", c->depfile, "depfile to write (what the staging read)");
  app.add_option("--inputs-manifest", c->inputs_manifest,
                 "with --depfile: an input manifest for `ocimake check-inputs` instead, when "
                 "the staging read more than --depfile-max files");
  app.add_option("--inputs-probe", c->inputs_probe,
                 "the check's probe, removed when an input manifest is written");
  app.add_option("--depfile-max", c->depfile_max,
                 "the most inputs a depfile lists (default 2000; Ninja 1.11 parses depfiles in "
                 "quadratic time)")
      ->check(CLI::Range(0, 10000000));
  app.add_option("--cmake", c->cmake, "the cmake executable");
  app.add_flag("--keep-development-files", c->filter.keep_development_files,
               "keep headers, static libraries, CMake and pkg-config files, man and doc pages");
  app.add_option("--exclude", c->filter.exclude, "leave out what matches this glob (repeatable)");
  app.add_option("--layer-component", c->layer_components,
                 "LAYERS: this component's files go to an entries file of their own (repeatable)");
  app.add_option("--layers-dir", c->layers_dir,
                 "with --layer-component: write component-<name>.txt and .stamp, and app.txt "
                 "(the rest), here");
  app.add_option("--excluded", c->excluded_file,
                 "write what was left out here: a summary line, then one path a line");
}

void AddToolchainOptions(CLI::App& app, StageCommand* c) {
  BuildStage& s = c->stage;
  app.add_option("--rootfs-file", c->rootfs_file,
                 "build in the toolchain whose rootfs path this file holds (in the sandbox)");
  app.add_option("--source-dir", s.source_dir, "toolchain build: the project's source tree");
  app.add_option("--source-root", s.source_root,
                 "toolchain build: the tree bound at /src (default --source-dir), which holds "
                 "the project's source tree");
  app.add_option("--inner-build-dir", s.inner_build_dir,
                 "toolchain build: the persistent inner build directory");
  app.add_option("--subdir", s.subdir, "toolchain build: the image's directory, relative");
  app.add_option("--module-dir", s.module_dir, "toolchain build: ocimake's cmake/ directory");
  app.add_option("--build-type", s.build_type, "toolchain build: CMAKE_BUILD_TYPE");
  app.add_option("--define", s.defines, "toolchain build: NAME=value cache variable");
  app.add_option("--defines-file", c->defines_file,
                 "toolchain build: file of -DNAME[:TYPE]=value lines (before --define)");
  app.add_option("--build-target", s.build_targets,
                 "toolchain build: also build this target before installing (repeatable)");
  app.add_option("--secret", s.secrets, "toolchain build: id=ID,src=PATH secret");
  app.add_option("--platform", s.platform,
                 "toolchain build: cross-build for OS/ARCH[/VARIANT] (default: the host's)");
  app.add_flag("--test", s.test, "toolchain build: run the project's ctest first");
  app.add_option("--sandbox", s.sandbox, "the ocimake-sandbox executable");
  app.add_option("--toolchain", s.toolchain, "toolchain build: the toolchain's name (for messages)");
  app.add_option("--cache-mount", s.cache_mounts,
                 "toolchain build: ID[=PATH] persistent read-write directory at PATH (default "
                 "/ocimake/cache/ID), kept in <cache>/mounts/<toolchain>/ID (repeatable)");
  app.add_option("--compiler-cache", s.compiler_cache,
                 "toolchain build: compiler launcher for the inner configure, on the cache "
                 "mount of its name (ccache or sccache)")
      ->check(CLI::IsMember({"ccache", "sccache"}));
  app.add_option("--compiler-cache-remote-file", c->compiler_cache_remote_file,
                 "toolchain build: with --compiler-cache ccache, the file holding ccache's remote "
                 "storage URL (redis://[[USER:]PASSWORD@]HOST[:PORT][/DB], redis+unix:SOCKET or "
                 "http://...); default $OCIMAKE_COMPILER_CACHE_REMOTE. A file, so that "
                 "its password is on no command line");
  app.add_option("--cache", s.cache_dir,
                 "cache directory of the cache mounts (default: $OCIMAKE_CACHE_DIR or "
                 "~/.cache/ocimake)");
}

// The toolchain build into `dir`, its settings completed from the command.
void BuildInToolchain(StageCommand& c, const std::string& dir) {
  BuildStage& s = c.stage;
  if (s.source_dir.empty() || s.inner_build_dir.empty() || s.module_dir.empty())
    Fail("--rootfs-file needs --source-dir, --inner-build-dir and --module-dir");
  std::string rootfs = ReadFile(c.rootfs_file);
  s.rootfs = FirstLine(rootfs);
  if (s.sandbox.empty()) s.sandbox = FindSandbox();
  s.prefix = c.prefix;
  s.components = c.components;
  s.layer_components = c.layer_components;
  if (!s.compiler_cache.empty())  // checked before the build starts
    s.compiler_cache_remote = CompilerCacheRemoteUrl(c.compiler_cache_remote_file);
  if (!s.compiler_cache_remote.empty())
    CheckCompilerCacheRemote(s.compiler_cache, s.compiler_cache_remote);
  if (!c.defines_file.empty()) {
    std::vector<std::string> defines = ReadDefines(c.defines_file);
    s.defines.insert(s.defines.begin(), defines.begin(), defines.end());
  }
  RunBuildStage(s, dir);
}

// The host install of `out`'s staging tree.
StagingInstall HostInstall(const StageCommand& c, const std::string& out) {
  StagingInstall install;
  install.cmake = c.cmake;
  install.build_dir = c.build_dir;
  install.prefix = c.prefix;
  install.config = c.config;
  install.components = c.components;
  install.layer_components = c.layer_components;
  // Beside the staging tree: the recorder script and what the install
  // recorded (host builds; a toolchain build keeps its own).
  install.record = {SidecarPath(out, "install-recorder.cmake"), SidecarPath(out, "installed")};
  return install;
}

// The install into `dir` for the staging tree `out`.
void InstallInto(StageCommand& c, const std::string& dir, const std::string& out) {
  if (!c.rootfs_file.empty()) return BuildInToolchain(c, dir);
  StagingInstall install = HostInstall(c, out);
  WriteFileIfChanged(install.record.script, InstallRecorderScript());
  RemoveFileIfExists(install.record.list);
  InstallOnHost(StagingInstallSteps(install, dir), c.build_dir);
}

// What the install into `out`'s staging tree recorded, and the install
// scripts' fingerprint (incremental_stage.h).
std::pair<std::set<std::string>, std::string> InstallRecorded(const StageCommand& c,
                                                              const std::string& out) {
  if (!c.rootfs_file.empty())
    return {ReadInstalledList(BuildStageInstalledList(c.stage)),
            BuildStageInstallFingerprint(c.stage)};
  StagingInstall install = HostInstall(c, out);
  return {ReadInstalledList(install.record.list),
          InstallFingerprint(c.build_dir, StagingInstallSteps(install, out))};
}

// Empties the directory `dir`, keeping it (a TempDir's lock is on it).
void EmptyDirectory(const std::string& dir) {
  std::vector<std::string> children;
  for (const auto& e : std::filesystem::directory_iterator(dir)) children.push_back(e.path());
  for (const auto& child : children) RemoveTree(child);
}

// The install into a temp beside `out`, which then replaces it: into the
// previous tree when there is one (incremental_stage.h), afresh when that
// cannot be told from a fresh install. Returns the LAYERS components'
// paths; `temp` holds the installed, filtered tree.
std::map<std::string, std::set<std::string>> InstallStage(StageCommand& c, const std::string& out,
                                                          TempDir& temp, IncrementalStage& reuse,
                                                          FilterResult* left_out) {
  reuse.Seed(temp);
  for (;;) {
    InstallInto(c, temp.path(), out);
    auto component_paths = TakeComponentPaths(temp.path(), c.layer_components);
    auto [installed, fingerprint] = InstallRecorded(c, out);
    if (reuse.Prune(temp.path(), installed, fingerprint)) {
      if (reuse.removed() > 0)
        std::cerr << "ocimake: " << reuse.removed() << " staged entries no longer installed: removed\n";
      *left_out = FilterStagedTree(temp.path(), c.filter);
      return component_paths;
    }
    std::cerr << "ocimake: the install rules changed: staging " << Printable(out) << " afresh\n";
    EmptyDirectory(temp.path());
  }
}

// A shared library the project installs ("libfoo.so.1", its SONAME and
// development links): a file or symlink named lib*.so or lib*.so.*.
bool IsSharedLibrary(const LayerEntry& e) {
  std::string name = e.path.substr(e.path.rfind('/') + 1);
  size_t so = name.find(".so");
  struct stat st;
  return StartsWith(name, "lib") && so != std::string::npos &&
         (so + 3 == name.size() || name[so + 3] == '.') && lstat(e.source.c_str(), &st) == 0 &&
         !S_ISDIR(st.st_mode);
}

// Each component's entries file and stamp (each rewritten only on change,
// so only the layer of a component that changed is re-packed), the
// project's shared libraries' (libraries.txt, .stamp), and the rest's
// entries file (app.txt); returns the rest.
std::vector<LayerEntry> WriteComponentLayers(const StageCommand& c, const ComponentSplit& split,
                                             FileDigestCache& digests) {
  MakeDirs(c.layers_dir);
  auto write = [&](const std::string& name, const std::vector<LayerEntry>& entries) {
    std::string text = "# " + name + " of the staged tree (ocimake stage)\n";
    for (const auto& e : entries) text += EntryLine(e);
    WriteFileIfChanged(JoinPath(c.layers_dir, name + ".txt"), text);
  };
  auto write_layer = [&](const std::string& name, const std::vector<LayerEntry>& entries) {
    write(name, entries);
    WriteFileIfChanged(JoinPath(c.layers_dir, name + ".stamp"), StageStamp(entries, {}, digests));
  };
  for (const auto& [component, entries] : split.components)
    write_layer("component-" + component, entries);
  std::vector<LayerEntry> libraries, rest;
  for (const auto& e : split.rest) (IsSharedLibrary(e) ? libraries : rest).push_back(e);
  write_layer("libraries", libraries);
  write("app", rest);
  return rest;
}

// What the staging read: a depfile for Ninja, or with more inputs than it
// should parse on every build, an input manifest for `ocimake check-inputs`
// (the depfile then names only that, and the check's probe goes, so the
// check runs on every build).
void WriteStageInputs(const StageCommand& c) {
  if (c.depfile.empty()) return;
  std::vector<std::string> inputs =
      c.rootfs_file.empty() ? InstallInputs(c.build_dir) : BuildStageInputs(c.stage);
  bool manifest = !c.inputs_manifest.empty() && inputs.size() > c.depfile_max;
  // (an empty depfile is a missing one to Ninja: it names the manifest)
  WriteDepfile(c.depfile, c.stamp, manifest ? std::vector<std::string>{c.inputs_manifest} : inputs);
  if (manifest) {
    WriteInputManifest(c.inputs_manifest, inputs);
    RemoveFileIfExists(c.inputs_probe);
  } else if (!c.inputs_manifest.empty()) {
    RemoveFileIfExists(c.inputs_manifest);
  }
}

}  // namespace

int RunStage(const Args& args) {
  CLI::App app{
      "Runs a build tree's install rules (cmake --install) into a fresh staging\n"
      "tree, or with --rootfs-file configures, builds, tests and installs the project\n"
      "in a toolchain rootfs; takes out development files and --exclude matches;\n"
      "writes a stamp of what was staged (rewritten only on change) and a depfile or\n"
      "an input manifest (see `ocimake check-inputs`) of what the staging read.\n\n"
      "  ocimake stage --build-dir build/examples/hello --out stage/ --stamp stage.txt",
      "stage"};
  StageCommand c;
  AddHostOptions(app, &c);
  AddToolchainOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (c.build_dir.empty() && c.rootfs_file.empty()) Fail("give --build-dir or --rootfs-file");

  if (!c.layer_components.empty() && c.layers_dir.empty())
    Fail("--layer-component needs --layers-dir");
  std::string out = AbsolutePath(c.out);
  TempDir temp(DirName(out), ".stage-");
  IncrementalStage reuse(out);
  FilterResult left_out;
  auto component_paths = InstallStage(c, out, temp, reuse, &left_out);
  RemoveTree(out);
  if (rename(temp.path().c_str(), out.c_str()) != 0)
    FailErrno("renaming " + temp.path() + " to " + out);
  temp.Release();
  reuse.Commit();
  WriteStageInputs(c);  // before the outputs: Ninja compares their times
  if (!c.excluded_file.empty()) WriteLeftOut(c.excluded_file, left_out);
  FileDigestCache digests(FileDigestCache::BesideTree(out));
  std::vector<LayerEntry> rest = EntriesFromTree(out);
  if (!c.closure_stamp.empty())
    WriteFileIfChanged(c.closure_stamp, ClosureStageStamp(rest, digests));
  if (!c.layer_components.empty())
    rest = WriteComponentLayers(
        c, SplitByComponent(rest, c.layer_components, component_paths), digests);
  WriteFileIfChanged(c.stamp, StageStamp(rest, left_out, digests));
  digests.Save();
  return 0;
}

}  // namespace ocimake
