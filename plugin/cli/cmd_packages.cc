#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "closure/package_files.h"
#include "oci/platform.h"

namespace ocimake {

namespace {

constexpr const char* kPackagesHelp =
    "Lists the files of installed Debian packages, read from ROOT's dpkg database, as\n"
    "DEST<TAB>SOURCE lines for `ocimake layer --entries` (RUNTIME_PACKAGES): each\n"
    "package's listed files, links and conffiles at their canonical paths (merged\n"
    "/usr), without docs and man pages, plus the files its maintainer scripts made\n"
    "in a directory it lists, at least three levels deep, that its scripts name\n"
    "(/etc/ssl/certs).\n\n"
    "  ocimake packages --package ca-certificates --package tzdata --output packages.txt\n"
    "  ocimake packages --root toolchain-rootfs/ --platform linux/arm64 --package libssl3 "
    "--output packages.txt";

}  // namespace

int RunPackages(const Args& args) {
  CLI::App app{kPackagesHelp, "packages"};
  std::string root = "/", root_file, platform, output, depfile;
  std::vector<std::string> packages;
  auto* root_opt =
      app.add_option("--root", root, "root directory whose dpkg database is read (default /)");
  app.add_option("--root-file", root_file, "file holding the root directory's path")
      ->excludes(root_opt);
  app.add_option("--package", packages, "a Debian package (repeatable)")->required();
  app.add_option("--platform", platform,
                 "OS/ARCH[/VARIANT] whose Debian architecture picks a Multi-Arch: same "
                 "package's list (default: this machine's)");
  app.add_option("--output", output, "entries file to write (rewritten only on change)")
      ->required();
  app.add_option("--depfile", depfile, "depfile listing the dpkg files that were read");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  if (!root_file.empty()) root = FirstLine(ReadFile(root_file));
  PackageFilesRequest request;
  request.root = root;
  request.packages = packages;
  Platform p = platform.empty() ? HostPlatform() : ParsePlatform(platform);
  request.debian_arch = PlatformInfoOf(p).debian;
  PackageFilesResult result = ListPackageFiles(request);
  std::string text = "# files of the packages";
  for (const auto& pkg : packages) text += " " + pkg;
  text += " in " + root + "\n";
  for (const auto& e : result.entries) text += EntryLine(e);
  WriteFileIfChanged(output, text);
  if (!depfile.empty()) WriteDepfile(depfile, output, result.inputs);
  return 0;
}

}  // namespace ocimake
