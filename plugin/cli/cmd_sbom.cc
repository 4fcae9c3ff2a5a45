#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "image/sbom.h"
#include "image/sbom_files.h"
#include "oci/image_reference.h"
#include "oci/index_walk.h"
#include "oci/oci_json.h"
#include "oci/platform.h"
#include "oci/referrers.h"
#include "registry/registry_client.h"
#include "registry/registry_options.h"
#include "registry/registry_referrers.h"
#include "source/image_source.h"
#include "source/location.h"

namespace ocimake {

namespace {

constexpr char kSbomHelp[] =
    "Prints the SBOM attached to an image: the SPDX 2.3 document the build wrote\n"
    "(add_container_image() attaches it to the image in its layout as an OCI 1.1\n"
    "artifact, and `ocimake push` pushes it with the image). IMAGE is an OCI layout\n"
    "DIR[:TAG] or a registry reference, whose referrers are read with the referrers\n"
    "API, else from the referrers tag sha256-<hex> (a registry without the API).\n"
    "A multi-platform image has an SBOM per platform: --platform picks one\n"
    "(default: the host's). With --provenance, the build provenance (in-toto,\n"
    "attached to the image or its index) instead. The document's digest is checked.\n"
    "With --verify, the SBOM is checked against the image instead of printed:\n"
    "every regular file of the image's own layers (those above its base's) must be\n"
    "listed with its sha256, and every file listed must be in them (exit 1 if not).\n\n"
    "  ocimake sbom build/greeter-image\n"
    "  ocimake sbom build/app:app:1.0 --platform linux/arm64 -o app-arm64.spdx.json\n"
    "  ocimake sbom 127.0.0.1:5000/team/app:1.0 | jq '.packages[].name'\n"
    "  ocimake sbom registry.example.com/app@sha256:<hex> --provenance\n"
    "  ocimake sbom build/greeter-image --verify\n"
    "  ocimake sbom build/greeter-image --verify --sbom-file greeter-image.spdx.json";

struct SbomArgs {
  std::string image, platform, output, artifact, document_file;
  bool provenance = false, verify = false;
  RegistryFlags registry;
  std::string type() const {
    return provenance ? media_type::kInTotoJson : media_type::kSpdxJson;
  }
};

// The one referrer of `type` among `found`: --artifact's digest when given;
// an error when there is none, or several and none was named.
Descriptor ChooseReferrer(const std::vector<Descriptor>& found, const SbomArgs& a,
                          const std::string& subject) {
  std::vector<Descriptor> chosen;
  for (const auto& d : found)
    if (a.artifact.empty() || d.digest.str() == a.artifact) chosen.push_back(d);
  if (chosen.empty())
    Fail("{}: no {} refers to it{}", subject, a.type(),
         a.artifact.empty() ? "" : " with digest " + a.artifact);
  if (chosen.size() > 1) {
    std::string list;
    for (const auto& d : chosen) list += " " + d.digest.str();
    Fail("{}: {} artifacts of type {} refer to it; name one with --artifact:{}", subject,
         chosen.size(), a.type(), list);
  }
  return chosen.front();
}

// The document of a layout's image.
std::string FromLayout(const SbomArgs& a, const SourceSpec& spec) {
  TempDir scratch(TempParent(), "ocimake-sbom-");
  OpenedSource src = OpenForPlatform(spec, PlatformChoice{a.platform, true}, scratch.path());
  const Descriptor& subject = a.provenance && src.index ? src.index->descriptor
                                                        : src.image.manifest_descriptor;
  const OciLayout& layout = *src.image.layout;
  std::string what = src.image.name + "@" + subject.digest.str();
  Descriptor entry = ChooseReferrer(
      LayoutReferrers(layout, layout.ReadIndex(), subject.digest, a.type()), a, what);
  ArtifactDocument doc = ParseArtifact(layout.ReadSmallBlob(entry), subject.digest,
                                       layout.BlobPath(entry.digest));
  std::string bytes;
  layout.ReadBlob(doc.layer, [&](const char* data, size_t size) { bytes.append(data, size); });
  return bytes;
}

// The manifest (or, for the provenance, the index) a registry reference names.
Descriptor RegistrySubject(RegistryClient& client, const ImageReference& ref, const SbomArgs& a) {
  ManifestBytes top = client.GetManifest(ref.repository, ref.reference());
  if (a.provenance || !IsIndexType(top.descriptor.media_type)) return top.descriptor;
  Platform want = a.platform.empty() ? HostPlatform() : ParsePlatform(a.platform);
  auto read = [&](const Descriptor& d, const std::string& what) -> std::optional<Index> {
    ManifestBytes m = client.GetManifest(ref.repository, d.digest.str());
    if (!IsIndexType(m.descriptor.media_type)) return std::nullopt;
    return ParseIndex(m.body, what);
  };
  return WalkToManifest(top.descriptor, want, read, ref.str()).manifest;
}

// The document of a registry's image, fetched with its artifact manifest.
std::string FromRegistry(const SbomArgs& a, const SourceSpec& spec) {
  ImageReference ref = ParseImageReference(spec.path);
  RegistryClient client(ref.registry, MakeRegistryOptions(a.registry));
  Descriptor subject = RegistrySubject(client, ref, a);
  std::string what = ref.name() + "@" + subject.digest.str();
  Descriptor entry = ChooseReferrer(
      ListReferrers(client, ref.repository, subject.digest, a.type()), a, what);
  ManifestBytes artifact = client.GetManifest(ref.repository, entry.digest.str());
  ArtifactDocument doc = ParseArtifact(artifact.body, subject.digest,
                                       "registry " + ref.registry + ": " + ref.repository +
                                           "@" + entry.digest.str());
  TempDir scratch(TempParent(), "ocimake-sbom-");
  OciLayout layout = OciLayout::Create(scratch.path());
  client.PullBlob(ref.repository, doc.layer, layout);
  return ReadFile(layout.BlobPath(doc.layer.digest), kMaxDocumentBytes);
}

// Checks the image against the files `document` lists; prints the verdict.
int Verify(const SbomArgs& a, const SourceSpec& spec, const std::string& document) {
  std::map<std::string, Digest> listed = SpdxFileDigests(document, a.image + " SBOM");
  TempDir scratch(TempParent(), "ocimake-sbom-");
  RegistryOptions options = MakeRegistryOptions(a.registry);
  OpenedSource src = OpenForPlatform(spec, PlatformChoice{a.platform, true}, scratch.path(),
                                     &options);
  SbomVerification v = VerifySbomFiles(src.image, listed);
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < v.problems.size() && i < kShown; ++i)
    std::cerr << "  " << Printable(v.problems[i]) << "\n";
  size_t layers = src.image.manifest.layers.size() - v.base_layers;
  if (!v.problems.empty())
    Fail("{}: the SBOM does not account for the image: {} difference(s) in the {} file(s) of "
         "its {} own layer(s)", a.image, v.problems.size(), v.files, layers);
  std::cout << fmt::format("verified: the {} regular files of {}'s {} own layer(s) (above {} of "
                           "its base) are the SBOM's, with their sha256\n",
                           v.files, a.image, layers, v.base_layers);
  return 0;
}

}  // namespace

int RunSbom(const Args& args) {
  CLI::App app{kSbomHelp, "sbom"};
  SbomArgs a;
  app.add_option("IMAGE", a.image, "an OCI layout DIR[:TAG] or HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")
      ->required();
  app.add_option("--platform", a.platform, "OS/ARCH[/VARIANT] of a multi-platform image");
  app.add_flag("--provenance", a.provenance, "the build provenance instead of the SBOM");
  app.add_option("--artifact", a.artifact, "the artifact's manifest digest, when several refer");
  app.add_option("-o,--output", a.output, "write the document here (atomically), not to stdout");
  app.add_flag("--verify", a.verify, "check the image's files against the SBOM, print no document")
      ->excludes("--provenance");
  app.add_option("--sbom-file", a.document_file,
                 "with --verify: check this SPDX document, not the attached one")
      ->needs("--verify");
  AddRegistryFlags(app, &a.registry);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  SourceSpec spec = ParseSourceSpec(a.image);
  if (spec.kind != SourceSpec::kLayout && spec.kind != SourceSpec::kRegistry)
    Fail("{}: expected an OCI layout DIR[:TAG] or a registry reference", a.image);
  std::string document = !a.document_file.empty() ? ReadFile(a.document_file, kMaxDocumentBytes)
                         : spec.kind == SourceSpec::kLayout ? FromLayout(a, spec)
                                                            : FromRegistry(a, spec);
  if (!a.output.empty()) WriteFileAtomic(a.output, document);
  if (a.verify) return Verify(a, spec, document);
  if (a.output.empty()) std::cout << document << std::flush;
  return 0;
}

}  // namespace ocimake
