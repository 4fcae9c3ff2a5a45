// The inputs of an edge too many for a depfile. Ninja 1.11 parses a depfile
// in time quadratic in its length, on every build (custom commands' depfiles
// are not kept in its deps log): 100,000 installed files cost seconds even
// when nothing changed. Such an edge records its inputs' stat signatures in
// a manifest instead, and a cheap check edge before it compares them on
// each build, touching a stamp only when one differs (see
// cmake/ocimake/OcimakeStage.cmake and `ocimake check-inputs`).
//
// The manifest: a header record, then one record per input, each
// NUL-terminated: the path, then its signature (modification time in
// nanoseconds, size, inode, mode; "-" for a missing path). A path cannot
// hold a NUL, so no escaping is needed.
#ifndef OCIMAKE_STAGE_INPUT_MANIFEST_H_
#define OCIMAKE_STAGE_INPUT_MANIFEST_H_

#include <cstddef>
#include <string>
#include <vector>

namespace ocimake {

// Writes the signatures of `paths` to `file` (temp + rename; rewritten only
// when they differ from its content).
void WriteInputManifest(const std::string& file, const std::vector<std::string>& paths);

struct InputCheck {
  bool recorded = false;  // the manifest exists
  bool changed = true;    // not recorded, or an input's signature differs
};

// Compares the inputs `file` records with the file system. A manifest
// that is not one (another format, truncated) fails with a one-line error.
InputCheck CheckInputManifest(const std::string& file);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_INPUT_MANIFEST_H_
