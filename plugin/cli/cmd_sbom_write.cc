#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/version.h"
#include "cli/cli.h"
#include "closure/dpkg_index.h"
#include "image/sbom.h"
#include "image/sbom_files.h"
#include "oci/oci_types.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

constexpr char kSbomWriteHelp[] =
    "Writes the SPDX 2.3 JSON SBOM of an image the build made (the image edge's\n"
    "companion; add_container_image() runs it): the image (tag, manifest digest,\n"
    "a pkg:oci purl), every regular file of its own layers (those above the base's)\n"
    "with its SHA256 and SHA1, the Debian packages of ROOT the closure's libraries\n"
    "and RUNTIME_PACKAGES' files come from (version, architecture, declared license,\n"
    "a pkg:deb purl), the project's other files as a package named --project, the\n"
    "base image by digest and the toolchain. The same image gives the same bytes:\n"
    "`created` is --epoch, the namespace comes from the manifest digest.\n"
    "With --attach the document is also attached to the image in its layout, as an\n"
    "OCI 1.1 artifact (artifactType application/spdx+json) whose subject is the\n"
    "image's manifest; `ocimake push` pushes it with the image, `ocimake sbom` reads it.\n\n"
    "Fails, writing nothing, when a file the closure or RUNTIME_PACKAGES brought\n"
    "belongs to no Debian package of ROOT (which has a dpkg database).\n\n"
    "  ocimake sbom-write build/greeter-image:greeter:1.0 --libs libs.txt \\\n"
    "      --project fmt-greeter --toolchain host --toolchain-version GNU-12.2.0 \\\n"
    "      -o build/greeter-image.spdx.json\n"
    "  ocimake sbom-write build/app:app:1.0 --platform linux/arm64 \\\n"
    "      --root-file build/CMakeFiles/ocimake-toolchains/cross.rootfs \\\n"
    "      --base debian-slim/:12 --libs libs.txt --package-entries packages.txt \\\n"
    "      --runtime-package ca-certificates \\\n"
    "      --project app --project-version 1.2 -o app.linux-arm64.spdx.json";

struct SbomWriteFlags {
  std::string image, platform, root = "/", root_file, base = "scratch", base_name, output;
  std::string project, project_version, toolchain, toolchain_version;
  std::vector<std::string> libs, package_entries, runtime_packages;
  int64_t epoch = DefaultEpoch();
  bool attach = false;
  RegistryFlags registry;
};

void AddSbomWriteFlags(CLI::App& app, SbomWriteFlags* f) {
  app.add_option("IMAGE", f->image, "the image: OCI layout dir[:tag]")->required();
  app.add_option("-o,--output", f->output, "the document to write (atomically)")->required();
  app.add_option("--platform", f->platform, "OS/ARCH[/VARIANT] of a multi-platform image");
  auto* root = app.add_option("--root", f->root, "root whose dpkg database is read (default /)");
  app.add_option("--root-file", f->root_file, "file holding the root's path")->excludes(root);
  app.add_option("--base", f->base,
                 "the image's base (scratch: none; @FILE: a pin of `ocimake base-digest`); "
                 "its layers are not listed");
  app.add_option("--base-name", f->base_name, "the base's name in the SBOM (default: --base)");
  app.add_option("--libs", f->libs, "the closure's entries file (repeatable)");
  app.add_option("--package-entries", f->package_entries,
                 "the RUNTIME_PACKAGES layer's entries file (repeatable)");
  app.add_option("--runtime-package", f->runtime_packages,
                 "a package of RUNTIME_PACKAGES (repeatable, in order): a file of the entries "
                 "no package lists goes to the first that lists its directory");
  app.add_option("--project", f->project, "the project's package name")->required();
  app.add_option("--project-version", f->project_version, "its version (default NOASSERTION)");
  app.add_option("--toolchain", f->toolchain, "the toolchain that built the image's programs");
  app.add_option("--toolchain-version", f->toolchain_version,
                 "its compiler id and version (default: g++, gcc or clang of ROOT's dpkg "
                 "database, \"GNU-12.2.0\")");
  app.add_option("--epoch", f->epoch, "creation time (default: $SOURCE_DATE_EPOCH or 0)");
  app.add_flag("--attach", f->attach, "attach it to the image in the layout (OCI 1.1 referrer)");
  AddRegistryFlags(app, &f->registry);
}

std::vector<LayerEntry> ReadEntries(const std::vector<std::string>& files) {
  std::vector<LayerEntry> out;
  for (const auto& file : files)
    for (auto& e : EntriesFromListFile(file)) out.push_back(std::move(e));
  return out;
}

// "greeter" and "1.0" of the tag "registry.example/team/greeter:1.0"; the
// layout's directory name when the image is named by no reference.
void NameAndTag(const SourceSpec& spec, SbomInput* in) {
  std::string ref = spec.tag;
  size_t colon = ref.rfind(':');
  if (colon == std::string::npos || ref.find('/', colon) != std::string::npos) {
    in->image_name = ToLower(PathComponents(AbsolutePath(spec.path)).back());
    in->tag = ref;
    return;
  }
  std::string repository = ref.substr(0, colon);
  in->image_name = repository.substr(repository.rfind('/') + 1);
  in->tag = ref.substr(colon + 1);
}

// The base as the SBOM names it: a registry reference as written; a local
// layout or archive by its file name (and tag), not by a path that differs
// between machines and build directories.
std::string BaseName(const std::string& base) {
  SourceSpec spec = ParseSourceSpec(base);
  if (spec.kind != SourceSpec::kLayout && spec.kind != SourceSpec::kArchive) return base;
  std::string name = PathComponents(AbsolutePath(spec.path)).back();
  return spec.tag.empty() ? name : name + ":" + spec.tag;
}

// How many of `image`'s layers its base gave, and the base for the SBOM.
size_t BaseLayers(const SbomWriteFlags& f, const LoadedImage& image, SbomInput* in) {
  std::optional<OpenedSource> base = OpenBase(f.base, f.platform, f.registry, f.output);
  if (!base) return 0;
  const auto& layers = base->image.manifest.layers;
  for (size_t i = 0; i < layers.size(); ++i)
    if (i >= image.manifest.layers.size() || image.manifest.layers[i].digest != layers[i].digest)
      Fail("{}: its layers do not start with those of its base {}", image.name, f.base);
  in->base = SbomBase{BaseName(f.base_name.empty() ? f.base : f.base_name),
                      base->image.manifest_descriptor.digest};
  return layers.size();
}

// The compiler a toolchain rootfs installs, from its dpkg database: "GNU-12.2.0"
// for g++ 4:12.2.0-3 (epoch and Debian revision left out); "" for none.
std::string RootCompiler(const DpkgIndex& index) {
  for (const auto& [package, id] : {std::pair{"g++", "GNU"}, {"gcc", "GNU"}, {"clang", "Clang"}}) {
    const DebianPackage* p = index.Find(package);
    if (!p) continue;
    std::string version = p->version.substr(p->version.find(':') + 1);
    return std::string(id) + "-" + version.substr(0, version.rfind('-'));
  }
  return "";
}

// The image's SBOM input; `subject` is set to the image's manifest.
SbomInput Collect(const SbomWriteFlags& f, const std::string& scratch, LayerFilesCache* cache,
                  Descriptor* subject) {
  SourceSpec spec = ParseSourceSpec(f.image);
  if (spec.kind != SourceSpec::kLayout) Fail("{}: expected an OCI layout dir[:tag]", f.image);
  OpenedSource source = OpenForPlatform(spec, PlatformChoice{f.platform, false}, scratch);
  SbomInput in;
  NameAndTag(spec, &in);
  *subject = source.image.manifest_descriptor;
  in.manifest_digest = subject->digest;
  in.epoch = f.epoch;
  in.tool_version = OCIMAKE_VERSION;
  in.project_name = f.project;
  in.project_version = f.project_version;
  in.toolchain = f.toolchain;
  DpkgIndex index = DpkgIndex::Read(f.root);
  in.toolchain_version = f.toolchain_version.empty() ? RootCompiler(index) : f.toolchain_version;
  in.files = OwnLayerFiles(source.image, BaseLayers(f, source.image, &in), cache);
  SbomOrigins origins{f.root, ReadEntries(f.libs), ReadEntries(f.package_entries),
                      f.runtime_packages};
  in.debian_packages = AssignPackages(index, origins, &in.files);
  return in;
}

}  // namespace

int RunSbomWrite(const Args& args) {
  CLI::App app{kSbomWriteHelp, "sbom-write"};
  SbomWriteFlags f;
  AddSbomWriteFlags(app, &f);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  f.base = ResolveBaseArgument(f.base);
  if (!f.root_file.empty()) f.root = FirstLine(ReadFile(f.root_file));
  TempDir scratch(TempParent(), "ocimake-sbom-");
  Descriptor subject;
  // The layers' files, kept for the next run beside the document.
  LayerFilesCache cache(SidecarPath(f.output, "layers"));
  std::string document = SpdxDocument(Collect(f, scratch.path(), &cache, &subject));
  WriteFileAtomic(f.output, document);
  cache.Save();
  if (f.attach)
    AttachBeside(f.image, subject, media_type::kSpdxJson, document, f.output);
  return 0;
}

}  // namespace ocimake
