#include <unistd.h>

#include <cerrno>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "stage/input_manifest.h"

namespace ocimake {

namespace {

struct CheckInputsCommand {
  std::string manifest, stamp, probe, depfile;
  size_t depfile_max = 2000;
};

// Small input sets go to the depfile, for Ninja to check: the probe exists
// and the edge runs only when an input changed. Larger ones would cost
// Ninja seconds to parse (quadratic), so the probe is removed and the edge
// runs on every build, checking the manifest itself.
void WriteProbe(const CheckInputsCommand& c, const InputCheck& check) {
  bool small = check.recorded && check.paths.size() <= c.depfile_max;
  std::vector<std::string> inputs = {c.manifest};
  if (small) inputs.insert(inputs.end(), check.paths.begin(), check.paths.end());
  WriteDepfile(c.depfile, c.probe, inputs);
  if (small) {
    WriteFileIfChanged(c.probe, "inputs in the depfile\n");
  } else if (unlink(c.probe.c_str()) != 0 && errno != ENOENT) {
    FailErrno("removing " + c.probe);
  }
}

}  // namespace

int RunCheckInputs(const Args& args) {
  CLI::App app{
      "Compares the inputs an input manifest records (written by `ocimake stage\n"
      "--inputs-manifest`) with the file system and touches --stamp only when one\n"
      "changed (or nothing is recorded yet), so the edge that depends on the stamp\n"
      "runs exactly then. Up to --depfile-max inputs are also written to --depfile\n"
      "for Ninja to check, with --probe as its output; with more, --probe is removed\n"
      "so the check runs on every build (Ninja 1.11 parses depfiles in quadratic time).\n\n"
      "  ocimake check-inputs --manifest stage.inputs --stamp stage.inputs.stamp \\\n"
      "      --probe stage.inputs.probe --depfile stage.inputs.d",
      "check-inputs"};
  CheckInputsCommand c;
  app.add_option("--manifest", c.manifest, "the input manifest to compare")->required();
  app.add_option("--stamp", c.stamp, "touched when an input changed")->required();
  app.add_option("--probe", c.probe, "the depfile's output; kept only for small input sets")
      ->required();
  app.add_option("--depfile", c.depfile, "depfile to write")->required();
  app.add_option("--depfile-max", c.depfile_max,
                 "the most inputs listed in the depfile (default 2000)")
      ->check(CLI::Range(0, 1000000));
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  InputCheck check = CheckInputManifest(c.manifest);
  if (check.changed || !PathExists(c.stamp))
    WriteFileAtomic(c.stamp, check.recorded ? "inputs changed\n" : "inputs not recorded yet\n");
  WriteProbe(c, check);
  return 0;
}

}  // namespace ocimake
