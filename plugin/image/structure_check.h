// Structure tests, as Google's container-structure-test makes them, checked
// on an image without running it: the config's user, entrypoint, env,
// exposed ports and labels; files of the merged root filesystem (the
// layers in order, later ones winning, whiteouts and opaque whiteouts
// applied; the layer tars read as streams, never unpacked) present, absent,
// with a mode, an owner or a content; and size limits. Each failure is one
// line naming the check:
//   USER: "0:0", expected "65532"
//   FILES_ABSENT: /bin/sh is present
//   MAX_SIZE: 25.3 MB (26532111 bytes of compressed layers) is over 20 MB
// A path in a check is absolute ("/usr/bin/x"; "//usr/./bin/x" is the same)
// and names a tar entry as it is: a symlink on the way (/lib -> usr/lib) is
// not followed, so "/lib/x" is not "/usr/lib/x".
#ifndef OCIMAKE_IMAGE_STRUCTURE_CHECK_H_
#define OCIMAKE_IMAGE_STRUCTURE_CHECK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oci/image.h"

namespace ocimake {

// The checks as the user wrote them, each item one check.
struct StructureChecks {
  // The config's User: the same string, or, when this is a bare number and
  // the config has "uid:gid", the same uid.
  std::optional<std::string> user;
  std::optional<std::vector<std::string>> entrypoint;  // the exact list ([] : none)
  std::vector<std::string> env;           // "KEY=value" set so, or "KEY" set at all
  std::vector<std::string> exposes;       // "8080" (tcp), "8080/tcp", "53/udp"
  std::vector<std::string> image_labels;  // "key=value", or "key" set at all
  std::vector<std::string> files_present;  // "/usr/local/bin/app", of any type
  std::vector<std::string> files_absent;
  std::vector<std::string> file_modes;     // "/path=0755" (octal permission bits)
  std::vector<std::string> file_owners;    // "/path=65532:65532"
  // "/path=regex": a regular file in whose content an ECMAScript search finds
  // the regex (multiline: ^ and $ match at the start and end of each line).
  std::vector<std::string> file_contents;
  // What a pull transfers (the compressed layer blobs) and what the merged
  // tree's regular files hold: ParseSize's forms ("20MB", "64MiB", "1000").
  std::optional<std::string> max_size;
  std::optional<std::string> max_unpacked_size;
};

// How many checks `checks` makes (one per item).
size_t CountChecks(const StructureChecks& checks);

// Bytes of "1000", "20MB", "1.5 GB" (kB MB GB: powers of 1000), "64MiB"
// (KiB MiB GiB, and K M G T as du and docker write them: powers of 1024);
// a bad size fails naming `check` and it.
uint64_t ParseSize(const std::string& text, const std::string& check);

// Fails, naming the first malformed check, when one is (a relative path, a
// mode that is not octal, a bad regex, size or port).
void ValidateChecks(const StructureChecks& checks);

// The failed checks of `image`, one line each, in the order of the fields
// above; empty when every check passes. Fails as ValidateChecks does, and
// when a layer blob is missing or does not match its digest.
std::vector<std::string> CheckStructure(const LoadedImage& image, const StructureChecks& checks);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_STRUCTURE_CHECK_H_
