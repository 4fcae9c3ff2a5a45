#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "stage/input_manifest.h"

namespace ocimake {

namespace {

struct CheckInputsCommand {
  std::string manifest, stamp, probe;
};

}  // namespace

int RunCheckInputs(const Args& args) {
  CLI::App app{
      "The input check before a stage edge. With an input manifest (written by\n"
      "`ocimake stage` for more inputs than a depfile can hold: Ninja 1.11 parses\n"
      "depfiles in quadratic time), compares the inputs it records with the file\n"
      "system and touches --stamp only when one changed, and removes --probe so\n"
      "that the check runs on every build. Without one (the stage's depfile lists\n"
      "its inputs for Ninja), writes --probe and --stamp if missing and does nothing\n"
      "more: the edge stays clean until a stage records a manifest again.\n\n"
      "  ocimake check-inputs --manifest stage.inputs --stamp stage.inputs.stamp \\\n"
      "      --probe stage.inputs.probe",
      "check-inputs"};
  CheckInputsCommand c;
  app.add_option("--manifest", c.manifest, "the input manifest to compare")->required();
  app.add_option("--stamp", c.stamp, "touched when an input changed")->required();
  app.add_option("--probe", c.probe, "an output of the check kept only while the stage's depfile lists the inputs")
      ->required();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  InputCheck check = CheckInputManifest(c.manifest);
  if (!check.recorded) {
    WriteFileIfChanged(c.probe, "the inputs are in the stage's depfile\n");
    if (!PathExists(c.stamp)) WriteFileAtomic(c.stamp, "checked\n");
    return 0;
  }
  RemoveFileIfExists(c.probe);
  if (check.changed || !PathExists(c.stamp)) WriteFileAtomic(c.stamp, "inputs changed\n");
  return 0;
}

}  // namespace ocimake
