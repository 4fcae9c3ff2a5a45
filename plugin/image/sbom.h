// An SPDX 2.3 JSON document for an image (https://spdx.github.io/spdx-spec/v2.3/):
// the image as the described package (its tag, its manifest digest as a
// SHA256 checksum, a pkg:oci purl), every regular file of the image's own
// layers (SHA256 and the SHA1 SPDX 2.3 asks of every file), the Debian
// packages those files come from (version, architecture, declared license, a
// pkg:deb purl), the project's own files as a package named after the CMake
// project, the base image the image DEPENDS_ON and the toolchain, a
// BUILD_TOOL_OF it. Deterministic: no random UUID, no wall-clock time (the
// namespace comes from the image's digest, `created` from SOURCE_DATE_EPOCH),
// every list sorted, SPDXIDs made from names and paths.
#ifndef OCIMAKE_IMAGE_SBOM_H_
#define OCIMAKE_IMAGE_SBOM_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "closure/dpkg_index.h"

namespace ocimake {

// A regular file of the image's own layers, and where it came from.
struct SbomFile {
  std::string path;  // "usr/local/bin/app"
  Digest sha256;
  std::string sha1;     // hex
  std::string package;  // the Debian package's name, or "" for the project's
};

struct SbomBase {
  std::string reference;  // BASE as the user wrote it, or the layout[:tag]
  Digest digest;          // its manifest's
};

struct SbomInput {
  std::string image_name;  // "greeter" (the tag's repository)
  std::string tag;         // "1.0"
  Digest manifest_digest;
  int64_t epoch = 0;  // creationInfo.created
  std::string tool_version;
  std::string project_name, project_version;  // version "" : NOASSERTION
  std::optional<SbomBase> base;               // none: scratch
  std::string toolchain, toolchain_version;   // toolchain "" : none; version "" : NOASSERTION
  std::vector<DebianPackage> debian_packages;  // those some file names
  std::vector<SbomFile> files;
};

// The document, as indented JSON with sorted keys and a final newline.
std::string SpdxDocument(const SbomInput& input);

// The files a document lists ("./usr/local/bin/app" as "usr/local/bin/app")
// with their SHA256, read back strictly; `what` names the document.
std::map<std::string, Digest> SpdxFileDigests(std::string_view document, const std::string& what);

// An SPDXID made of `prefix` and `name` with every character outside
// [A-Za-z0-9.-] replaced by '-': "SPDXRef-File-usr-local-bin-app".
std::string SpdxId(const std::string& prefix, const std::string& name);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_SBOM_H_
