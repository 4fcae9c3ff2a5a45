// The build provenance of an image: an in-toto Statement v1 whose predicate
// is SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance). Values in,
// canonical JSON out (keys sorted, no wall-clock time), so the same build
// gives the same bytes. What goes in is what shapes the image: its
// declaration (settings, toolchain, base, platforms), the CMake cache
// variables that cross into the build stage, and the source, base and
// toolchain it was made from. Build secrets are never an input.
#ifndef OCIMAKE_IMAGE_PROVENANCE_H_
#define OCIMAKE_IMAGE_PROVENANCE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

// One resolvedDependencies entry (an in-toto ResourceDescriptor); empty
// fields are left out.
struct ProvenanceDependency {
  std::string name;
  std::string uri;
  std::map<std::string, std::string> digest;       // algorithm -> hex
  std::map<std::string, std::string> annotations;  // string values
};

struct ProvenanceInput {
  std::string subject_name;        // the image's tag, "hello:1.0"
  std::string subject_sha256;      // hex of its manifest (or index) digest
  std::string settings_json;       // the image's settings.json ("" : none)
  std::string toolchain;           // TOOLCHAIN name, "" for the host
  std::string base;                // BASE as declared, "scratch"
  std::vector<std::string> platforms;
  std::vector<std::string> defines;  // -DNAME[:TYPE]=value lines
  std::vector<ProvenanceDependency> dependencies;
  std::string version;             // ocimake's
};

inline constexpr char kProvenanceBuildType[] =
    "https://ocimake.dev/buildtypes/cmake-image/v1";

// The statement as canonical JSON, one line and a newline.
std::string ProvenanceJson(const ProvenanceInput& in);

// The git source dependency: uri git+<remote>@<commit>, digest gitCommit,
// annotation dirty "true"/"false".
ProvenanceDependency GitSourceDependency(const std::string& remote, const std::string& commit,
                                         bool dirty);

// The toolchain dependency from its name and the rootfs path its root file
// holds: a cached rootfs (<cache>/toolchains/<key>/rootfs) is identified by
// its key (the digest of its declaration and input); a ROOTFS directory
// used in place by its path.
ProvenanceDependency ToolchainDependency(const std::string& name, std::string_view rootfs);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_PROVENANCE_H_
