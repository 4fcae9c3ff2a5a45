#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "closure/base_files.h"
#include "image/image_settings.h"
#include "image/runtime_user.h"
#include "layer/layer_entries.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

struct UserCommand {
  std::string base = "scratch", settings_file, tree, output, platform;
  std::vector<std::string> writable;
  RegistryFlags registry;
};

void AddUserOptions(CLI::App& app, UserCommand* c) {
  app.add_option("--base", c->base,
                 "the base image (scratch, a layout dir[:tag], an archive, a registry "
                 "reference, @FILE: a pin of `ocimake base-digest`)");
  app.add_option("--settings", c->settings_file, "image settings JSON (its \"user\")");
  app.add_option("--writable", c->writable,
                 "directory owned by the runtime user, mode 0755 (repeatable)");
  app.add_option("--tree", c->tree, "directory to write the files into (made afresh)")
      ->required();
  app.add_option("--output", c->output, "entries file for `ocimake layer --entries`")
      ->required();
  app.add_option("--platform", c->platform, "OS/ARCH[/VARIANT]: the base's manifest to take");
  AddRegistryFlags(app, &c->registry);
}

// The runtime user's files from the base's accounts and the settings' user.
RuntimeTree MakeRuntimeTree(const UserCommand& c) {
  ImageSettings settings;
  if (!c.settings_file.empty())
    settings = ParseImageSettings(ReadFile(c.settings_file, kMaxJsonBytes), c.settings_file);
  std::optional<OpenedSource> base = OpenBase(c.base, c.platform, c.registry, c.output);
  std::string base_passwd, base_group, base_user;
  if (base) {
    auto files = ReadImageFiles(base->image, {"/etc/passwd", "/etc/group"});
    base_passwd = files["/etc/passwd"];
    base_group = files["/etc/group"];
    base_user = base->image.config.config.user;
  }
  RuntimeTree runtime;
  runtime.passwd = WithAccounts(base_passwd, false);
  runtime.group = WithAccounts(base_group, true);
  runtime.ids = ResolveUser(RuntimeUser(settings.user, base_user), runtime.passwd, runtime.group,
                            base ? "the base image's /etc/passwd or ocimake's accounts "
                                   "(root, nonroot, nobody)"
                                 : "ocimake's accounts (root, nonroot, nobody)");
  runtime.writable = c.writable;
  return runtime;
}

}  // namespace

int RunUser(const Args& args) {
  CLI::App app{
      "Writes the files of the image's runtime user for `ocimake layer --entries`:\n"
      "/etc/passwd and /etc/group (the base's, plus root, nonroot (65532) and nobody\n"
      "where the base has no such account), /home/nonroot, /tmp (1777) and each\n"
      "--writable directory, owned by the runtime user: USER of the settings, else\n"
      "the base's, else nonroot. A named user found nowhere is an error.\n\n"
      "  ocimake user --base scratch --settings api.settings.json \\\n"
      "      --writable /var/cache/api --tree user/ --output user.txt",
      "user"};
  UserCommand c;
  AddUserOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  for (const auto& dir : c.writable) CheckWritableDir(dir);

  RuntimeTree runtime = MakeRuntimeTree(c);
  std::string text = "# the runtime user's files (ocimake user)\n";
  for (const auto& e : WriteRuntimeTree(runtime, AbsolutePath(c.tree))) text += EntryLine(e);
  WriteFileIfChanged(c.output, text);
  return 0;
}

}  // namespace ocimake
