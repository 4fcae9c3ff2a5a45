#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "base/version.h"
#include "cli/cli.h"
#include "image/provenance.h"
#include "oci/oci_types.h"
#include "oci/platform.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

constexpr char kProvenanceHelp[] =
    "Writes the build provenance of an image (an internal step of the image\n"
    "target): an in-toto Statement v1 with a SLSA Provenance v1 predicate, as\n"
    "canonical JSON (sorted keys, no wall-clock time: the same build gives\n"
    "the same bytes). The subject is the image the tag names in the layout\n"
    "(its manifest, or its index when multi-platform); the build definition\n"
    "holds the image's settings, BASE, TOOLCHAIN and PLATFORMS, the CMake\n"
    "cache variables of --defines (what crosses into the build stage: never\n"
    "a build secret), and the resolved dependencies: the source (its git\n"
    "commit and whether tracked files differ from it, when it is a git\n"
    "checkout), the base by the digest the image records and the toolchain by\n"
    "its cache key. The file is written atomically, only when it changes.\n"
    "With --attach the statement is also attached to the image in its layout, as\n"
    "an OCI 1.1 artifact (artifactType application/vnd.in-toto+json) whose subject\n"
    "is the image; `ocimake push` pushes it with the image.\n\n"
    "  ocimake provenance-write build/hello-image:hello:1.0 \\\n"
    "      --settings build/CMakeFiles/hello-image.ocimake/settings.json \\\n"
    "      --source-dir . --base scratch -o build/hello-image.provenance.json\n"
    "  ocimake provenance-write build/app:app:1.0 --settings settings.json \\\n"
    "      --defines stage.defines --toolchain gcc --toolchain-root-file gcc.rootfs \\\n"
    "      --base docker.io/library/debian:bookworm-slim \\\n"
    "      --platform linux/amd64 --platform linux/arm64 \\\n"
    "      --source-dir . -o app.provenance.json";

struct ProvenanceArgs {
  std::string image, name, settings, defines, source_dir, base = "scratch", toolchain,
      toolchain_root_file, output;
  std::vector<std::string> platforms;
  bool attach = false;
};

// git's answer about `dir`, trimmed; nullopt when git fails.
std::optional<std::string> Git(const std::string& dir, std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"git", "-C", dir});
  ProcessResult r = RunProcess(argv, {{"GIT_OPTIONAL_LOCKS", "0"}}, true);
  if (r.status != 0) return std::nullopt;
  return Trim(r.output);
}

// The source: a git checkout by its commit (its origin's URL, else its
// path) and whether tracked files differ from it; else (no git checkout, or
// one that does not track the project's CMakeLists.txt: a copy inside
// another checkout's ignored directory) its path.
ProvenanceDependency SourceDependency(const std::string& dir) {
  std::string path = AbsolutePath(dir);
  std::optional<std::string> top = Git(path, {"rev-parse", "--show-toplevel"});
  std::optional<std::string> commit = Git(path, {"rev-parse", "--verify", "HEAD^{commit}"});
  if (!top || !commit || !Git(path, {"ls-files", "--error-unmatch", "CMakeLists.txt"}))
    return {"source", "file://" + path, {}, {}};
  std::optional<std::string> remote = Git(path, {"remote", "get-url", "origin"});
  std::optional<std::string> status =
      Git(*top, {"status", "--porcelain", "--untracked-files=no"});
  if (!status) Fail("source {}: git status failed", path);
  return GitSourceDependency(remote ? *remote : "file://" + *top, *commit, !status->empty());
}

// The base's manifest digest each platform's image records, as dependencies.
std::vector<ProvenanceDependency> BaseDependencies(const ProvenanceArgs& a,
                                                   const SourceSpec& spec,
                                                   const OpenedSource& src,
                                                   const std::string& scratch) {
  std::vector<LoadedImage> images;
  if (!src.index) images.push_back(src.image);
  for (const auto& e : src.index ? src.index->entries : std::vector<Descriptor>{})
    images.push_back(
        OpenForPlatform(spec, {e.platform ? PlatformString(*e.platform) : "", false}, scratch)
            .image);
  std::vector<ProvenanceDependency> deps;
  std::set<std::string> seen;
  for (const auto& img : images) {
    auto it = img.manifest.annotations.find("org.opencontainers.image.base.digest");
    if (it == img.manifest.annotations.end() || !seen.insert(it->second).second) continue;
    std::string hex = it->second.substr(it->second.find(':') + 1);
    deps.push_back({"base", a.base, {{"sha256", hex}}, {}});
  }
  return deps;
}

std::vector<std::string> DefineLines(const std::string& file) {
  std::vector<std::string> lines;
  if (file.empty()) return lines;
  for (auto& line : Split(ReadFile(file), '\n'))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The statement's input; `subject` is set to the image's manifest or index.
ProvenanceInput Gather(const ProvenanceArgs& a, const std::string& scratch, Descriptor* subject) {
  SourceSpec spec = ParseSourceSpec(a.image);
  if (spec.kind != SourceSpec::kLayout)
    Fail("{}: expected an OCI layout directory[:tag]", a.image);
  OpenedSource src = OpenForPlatform(spec, {"", true}, scratch);
  ProvenanceInput in;
  in.subject_name = a.name.empty() ? spec.tag : a.name;
  *subject = src.index ? src.index->descriptor : src.image.manifest_descriptor;
  in.subject_sha256 = subject->digest.hex();
  in.settings_json = a.settings.empty() ? "" : ReadFile(a.settings);
  in.toolchain = a.toolchain;
  in.base = a.base;
  in.platforms = a.platforms;
  in.defines = DefineLines(a.defines);
  in.dependencies.push_back(SourceDependency(a.source_dir));
  if (a.base != "scratch")
    for (auto& d : BaseDependencies(a, spec, src, scratch)) in.dependencies.push_back(d);
  if (!a.toolchain_root_file.empty())
    in.dependencies.push_back(ToolchainDependency(a.toolchain, ReadFile(a.toolchain_root_file)));
  in.version = OCIMAKE_VERSION;
  return in;
}

}  // namespace

int RunProvenanceWrite(const Args& args) {
  CLI::App app{kProvenanceHelp, "provenance-write"};
  ProvenanceArgs a;
  app.add_option("IMAGE", a.image, "the image: OCI layout dir[:tag]")->required();
  app.add_option("--name", a.name, "the subject's name (default: the tag)");
  app.add_option("--settings", a.settings, "the image's settings.json (its declaration)");
  app.add_option("--defines", a.defines, "-DNAME:TYPE=value lines: the cache variables");
  app.add_option("--source-dir", a.source_dir, "the project's source directory")->required();
  app.add_option("--base", a.base, "BASE as declared (default: scratch)");
  app.add_option("--toolchain", a.toolchain, "the TOOLCHAIN's name");
  app.add_option("--toolchain-root-file", a.toolchain_root_file,
                 "the file holding the toolchain's rootfs path");
  app.add_option("--platform", a.platforms, "a platform of PLATFORMS (repeatable)");
  app.add_option("-o,--output", a.output, "the file to write")->required();
  app.add_flag("--attach", a.attach, "attach it to the image in the layout (OCI 1.1 referrer)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (!a.toolchain_root_file.empty() && a.toolchain.empty())
    Fail("--toolchain-root-file {}: expected --toolchain with it", a.toolchain_root_file);
  TempDir scratch(TempParent(), "ocimake-provenance-");
  Descriptor subject;
  std::string statement = ProvenanceJson(Gather(a, scratch.path(), &subject));
  WriteFileIfChanged(a.output, statement);
  if (a.attach)
    AttachBeside(a.image, subject, media_type::kInTotoJson, statement, a.output);
  return 0;
}

}  // namespace ocimake
