#include <unistd.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "closure/base_files.h"
#include "closure/closure.h"
#include "oci/platform.h"
#include "registry/registry_client.h"
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

constexpr const char* kClosureHelp =
    "Lists the shared libraries (and the dynamic loader) that the ELF files of a\n"
    "staged tree need, resolved in ROOT as ld.so would, as DEST<TAB>SOURCE lines\n"
    "for `ocimake layer --entries`. Libraries the base image has are left out.\n\n"
    "  ocimake closure --stage stage/ --output libs.txt\n"
    "  ocimake closure --stage stage/ --root toolchain-rootfs/ --base base-layout/ --output libs.txt\n"
    "  ocimake closure --stage stage/ --entries packages.txt --output libs.txt";

}  // namespace

int RunClosure(const Args& args) {
  CLI::App app{kClosureHelp, "closure"};
  std::string stage, root = "/", base = "scratch", output, depfile, root_file, platform;
  std::vector<std::string> entries_files;
  app.add_option("--stage", stage, "the staged install tree")->required();
  auto* root_opt =
      app.add_option("--root", root, "root directory the libraries are resolved in (default /)");
  app.add_option("--root-file", root_file, "file holding the root directory's path")
      ->excludes(root_opt);
  app.add_option("--base", base, "base image whose files are not repeated (default scratch)");
  app.add_option("--output", output, "entries file to write (rewritten only on change)")
      ->required();
  app.add_option("--entries", entries_files,
                 "entries file of another layer (ocimake packages): its ELF files are "
                 "resolved too and its paths are not repeated (repeatable)");
  app.add_option("--depfile", depfile, "depfile listing the root's files that were read");
  app.add_option("--platform", platform,
                 "OS/ARCH[/VARIANT] the staged ELF files must all be built for (and the "
                 "base's manifest to take)");
  RegistryFlags registry;
  AddRegistryFlags(app, &registry);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  if (!root_file.empty()) root = FirstLine(ReadFile(root_file));
  ClosureRequest request;
  request.stage = stage;
  request.root = root;
  for (const auto& file : entries_files)
    for (auto& e : EntriesFromListFile(file)) request.packaged.push_back(std::move(e));
  if (auto opened = OpenBase(base, platform, registry, output))
    request.provided = ListImageFiles(opened->image);
  if (!platform.empty()) request.platform = &PlatformInfoOf(ParsePlatform(platform));
  ClosureResult result = ComputeClosure(request);
  std::string text = "# shared-library closure of " + stage + " in " + root + "\n";
  for (const auto& e : result.entries) text += EntryLine(e);
  text += WriteLoaderLinks(result.loader_links, AbsolutePath(output) + ".links");
  WriteFileIfChanged(output, text);
  if (!depfile.empty()) WriteDepfile(depfile, output, result.inputs);
  return 0;
}

}  // namespace ocimake
