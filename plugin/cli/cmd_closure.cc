#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "base/cache_dir.h"
#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "closure/abi_check.h"
#include "closure/base_files.h"
#include "closure/closure.h"
#include "closure/package_files.h"
#include "closure/root_path.h"
#include "oci/platform.h"
#include "registry/registry_client.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

// Each loader link as a host symlink below `dir` (made afresh), and its
// entries-file lines.
std::string WriteLoaderLinks(const std::map<std::string, std::string>& links,
                             const std::string& dir) {
  RemoveTree(dir);
  std::string lines;
  for (const auto& [link, target] : links) {
    std::string host = dir + link;
    MakeDirs(DirName(host));
    if (symlink(target.c_str(), host.c_str()) != 0) FailErrno("creating the symlink " + host);
    lines += link.substr(1) + "\t" + host + "\n";
  }
  return lines;
}

// Fails with the first symbol version an image's file needs from a base
// library that lacks it; unpacks the base (once, into the cache) only when
// some file needs a library of it.
void CheckAbi(const ClosureResult& result, const std::optional<OpenedSource>& base,
              const std::string& cache_dir) {
  if (!base || !NeedsBaseLibraries(result.objects)) return;
  std::string rootfs =
      CachedRootfs(base->image, cache_dir.empty() ? DefaultCacheDir() : cache_dir);
  std::string error = FindAbiMismatch(result.objects, rootfs);
  if (!error.empty()) Fail("{}", error);
}

// A library of the root that no package owns: a shared object ("*.so*")
// the project built or vendored into the root. Nothing is, in a root
// without a dpkg database (`packaged` empty).
bool IsOwnLibrary(const std::set<std::string>& packaged, const LayerEntry& e) {
  std::string name = e.path.substr(e.path.rfind('/') + 1);
  return !packaged.empty() && name.find(".so") != std::string::npos &&
         !IsPackaged(packaged, "/" + e.path);
}

struct ClosureFlags {
  std::string stage, root = "/", base = "scratch", output, depfile, root_file, platform;
  std::vector<std::string> entries_files;
  std::string own_output;
  bool no_abi_check = false;
  RegistryFlags registry;
};

void AddClosureFlags(CLI::App& app, ClosureFlags* f) {
  app.add_option("--stage", f->stage, "the staged install tree")->required();
  auto* root_opt = app.add_option("--root", f->root,
                                  "root directory the libraries are resolved in (default /)");
  app.add_option("--root-file", f->root_file, "file holding the root directory's path")
      ->excludes(root_opt);
  app.add_option("--base", f->base,
                 "base image whose files are not repeated (default scratch; @FILE: a pin of "
                 "`ocimake base-digest`)");
  app.add_option("--output", f->output, "entries file to write (rewritten only on change)")
      ->required();
  app.add_option("--entries", f->entries_files,
                 "entries file of another layer (ocimake packages): its ELF files are "
                 "resolved too and its paths are not repeated (repeatable)");
  app.add_option("--depfile", f->depfile, "depfile listing the root's files that were read");
  app.add_option("--platform", f->platform,
                 "OS/ARCH[/VARIANT] the staged ELF files must all be built for (and the "
                 "base's manifest to take)");
  app.add_option("--own-output", f->own_output,
                 "write the libraries no Debian package of the root owns (the project's "
                 "own, built or vendored) here instead of --output");
  app.add_flag("--no-abi-check", f->no_abi_check,
               "do not check the symbol versions the files need from the base's libraries");
  AddRegistryFlags(app, &f->registry);
}

// Writes --output (and --own-output: the root's libraries no package owns,
// each with its content's digest, so the file changes, and the layer is
// re-packed, when the library does).
void WriteClosure(const ClosureFlags& f, const ClosureResult& result) {
  std::string text = "# shared-library closure of " + f.stage + " in " + f.root + "\n";
  std::string own = "# libraries of " + f.root + " no Debian package owns\n";
  std::set<std::string> packaged =
      f.own_output.empty() ? std::set<std::string>() : PackagedPaths(f.root);
  for (const auto& e : result.entries) {
    if (!IsOwnLibrary(packaged, e)) {
      text += EntryLine(e);
      continue;
    }
    struct stat st;
    if (lstat(e.source.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      own += "# " + Digest::OfFile(e.source).str() + "\n";
    own += EntryLine(e);
  }
  text += WriteLoaderLinks(result.loader_links, AbsolutePath(f.output) + ".links");
  WriteFileIfChanged(f.output, text);
  if (!f.own_output.empty()) WriteFileIfChanged(f.own_output, own);
}

}  // namespace

int RunClosure(const Args& args) {
  CLI::App app{
      "Lists the shared libraries (and the dynamic loader) that the ELF files of a\n"
      "staged tree need, resolved in ROOT as ld.so would, as DEST<TAB>SOURCE lines\n"
      "for `ocimake layer --entries`. Libraries the base image has are left out,\n"
      "and every symbol version (GLIBC_2.34, GLIBCXX_3.4.30, ...) the image's files\n"
      "need from them must be defined by the base's library (the ABI check).\n\n"
      "  ocimake closure --stage stage/ --output libs.txt\n"
      "  ocimake closure --stage stage/ --root toolchain-rootfs/ --base base-layout/ --output libs.txt\n"
      "  ocimake closure --stage stage/ --base old-base.tar --no-abi-check --output libs.txt\n"
      "  ocimake closure --stage stage/ --entries packages.txt --output libs.txt",
      "closure"};
  ClosureFlags f;
  AddClosureFlags(app, &f);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  if (!f.root_file.empty()) f.root = FirstLine(ReadFile(f.root_file));
  std::optional<OpenedSource> base_image = OpenBase(f.base, f.platform, f.registry, f.output);
  ClosureRequest request;
  request.stage = f.stage;
  request.root = f.root;
  for (const auto& file : f.entries_files)
    for (auto& e : EntriesFromListFile(file)) request.packaged.push_back(std::move(e));
  if (base_image) request.provided = ListImageFiles(base_image->image);
  if (!f.platform.empty()) request.platform = &PlatformInfoOf(ParsePlatform(f.platform));
  ClosureResult result = ComputeClosure(request);
  if (!f.no_abi_check) CheckAbi(result, base_image, f.registry.cache_dir);
  WriteClosure(f, result);
  // The split follows the root's dpkg database: a package installed or
  // removed there changes the directory.
  std::string dpkg_info = HostPath(f.root, "/var/lib/dpkg/info");
  if (!f.own_output.empty() && IsDirectory(dpkg_info)) result.inputs.push_back(dpkg_info);
  if (!f.depfile.empty()) WriteDepfile(f.depfile, f.output, result.inputs);
  return 0;
}

}  // namespace ocimake
