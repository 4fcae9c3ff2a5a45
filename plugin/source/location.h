// Where an image is read from or written to, as the commands name it, parsed
// in this one place. Two entry points for the two ways of writing one:
// - the bare forms (image --base, export, inspect, run, unpack, closure,
//   toolchain inputs): "scratch", DIR, DIR:TAG, an archive FILE, or a
//   registry reference;
// - copy's transport forms: oci:DIR[:TAG], oci-archive:FILE,
//   docker-archive:FILE, docker://REFERENCE.
// A layout that must exist is split at the first ':' whose prefix is a
// directory, so a tag may hold ':' ("build/img:hello:1.0" -> "build/img",
// "hello:1.0"); one that may not exist yet (oci:DIR[:TAG], pull's
// destination) at the first ':'. Nothing is opened here; only directories are
// looked at.
#ifndef OCIMAKE_SOURCE_LOCATION_H_
#define OCIMAKE_SOURCE_LOCATION_H_

#include <optional>
#include <string>
#include <utility>

namespace ocimake {

struct SourceSpec {
  enum Kind { kScratch, kLayout, kArchive, kRegistry } kind = kScratch;
  std::string path;    // kRegistry: the reference
  std::string tag;     // kLayout: NAME:TAG or TAG (oci/ref_name.h; "": the only image)
  std::string format;  // kArchive: "oci-archive" or "docker-archive"; "": sniffed
};

// A bare form: "" or "scratch", an existing directory[:tag], an existing file
// (an archive), or a registry reference ("127.0.0.1:5000/base:1.0",
// "ghcr.io/o/app@sha256:..": not an existing path, and the first component
// names a host).
SourceSpec ParseSourceSpec(const std::string& text);
// A transport form of `ocimake copy`; a docker:// reference is validated.
SourceSpec ParseTransportSpec(const std::string& text);

// "<layout-dir>[:tag]" of an existing layout; fails when no prefix is one.
std::pair<std::string, std::string> SplitLayoutTag(const std::string& text);
// "<layout-dir>[:tag]" of a layout that may not exist yet, split at the first
// ':' (one at the start is part of the name); no ':', no tag: nullopt.
std::pair<std::string, std::optional<std::string>> SplitNewLayoutTag(const std::string& text);

}  // namespace ocimake

#endif  // OCIMAKE_SOURCE_LOCATION_H_
