// A build-time check that the image can start: the program its ENTRYPOINT
// (or, without one, its CMD) names is in the image, at that path or on the
// image's PATH. Run by `ocimake image` before anything is written, so a typo
// fails the build naming the closest path there is, not the first `run`.
#ifndef OCIMAKE_IMAGE_ENTRYPOINT_CHECK_H_
#define OCIMAKE_IMAGE_ENTRYPOINT_CHECK_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

// What the image will hold: the staged tree (a host directory), the
// entries files of the other layers (the closure's, the runtime packages',
// the project's libraries'), and the base's paths (asked for only when the
// program is in neither of the first two, since reading a base costs).
struct ImageContents {
  std::string stage_dir;
  std::vector<std::string> entries_files;
  std::function<std::set<std::string>()> base_files;
};

// Fails with one line, "ENTRYPOINT /usr/local/bin/greter: not in the image
// (closest: /usr/local/bin/greeter)", when the program is missing. A path
// whose parent is a symlink in the base (/bin -> usr/bin) counts as there.
void CheckEntrypoint(const RuntimeConfig& config, const ImageContents& contents);

// The path of `candidates` closest to `wanted`: the same file name first,
// then the fewest edits; "" when there is none.
std::string ClosestPath(const std::string& wanted, const std::set<std::string>& candidates);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_ENTRYPOINT_CHECK_H_
