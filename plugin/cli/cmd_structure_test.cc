#include <cstdio>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "image/structure_check.h"
#include "oci/json_fields.h"
#include "oci/platform.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

constexpr char kStructureTestHelp[] =
    "Checks an image's structure without running it, as Google's\n"
    "container-structure-test does: the config's user, entrypoint, env, exposed\n"
    "ports and labels; files of the merged root filesystem (the layers in order,\n"
    "whiteouts applied, read as streams, never unpacked) present, absent, with\n"
    "a mode, an owner or a content; the compressed size of the layers (what a\n"
    "pull transfers) and the unpacked size of the regular files. Each option is\n"
    "one check; a path is absolute and names the entry as it is in the layers:\n"
    "a symlink on the way is not followed (/lib/x is not /usr/lib/x when /lib\n"
    "is a link). Sizes: bytes, or kB MB GB (powers of 1000), KiB MiB GiB\n"
    "(powers of 1024). Every platform of a multi-platform image is checked\n"
    "unless --platform names one.\n\n"
    "Exit status: 0 when every check passes (\"<image>: N checks passed\"), 1\n"
    "when one fails (one line per failed check, naming it), 2 on an error (an\n"
    "image that cannot be read, a malformed check).\n\n"
    "  ocimake structure-test build/api-image --user 65532 --file-absent /bin/sh \\\n"
    "      --file-present /usr/local/bin/api --max-size 20MB\n"
    "    ocimake structure-test: build/api-image: FILES_ABSENT: /bin/sh is present\n"
    "  ocimake structure-test api.tar --entrypoint '[\"/usr/local/bin/api\"]' \\\n"
    "      --expose 8080 --env LANG=C.UTF-8 --label org.opencontainers.image.version\n"
    "  ocimake structure-test build/api-image:api:1.0 --file-mode /usr/local/bin/api=0755 \\\n"
    "      --file-owner /var/lib/api=65532:65532 --file-content '/etc/api.conf=^port = 8080$'";

// --entrypoint: one JSON array, or the words of the list one by one.
std::vector<std::string> EntrypointOf(const std::vector<std::string>& given) {
  if (given.size() != 1 || given[0].empty() || given[0][0] != '[') return given;
  return ParseStringArray(given[0], "--entrypoint " + given[0]);
}

struct StructureTestOptions {
  std::string source, platform, user, max_size, max_unpacked_size;
  std::vector<std::string> entrypoint;
  StructureChecks checks;
};

void AddCheckOptions(CLI::App& app, StructureTestOptions* o) {
  StructureChecks& c = o->checks;
  app.add_option("--user", o->user, "the config's User (a bare uid matches \"uid:gid\")");
  app.add_option("--entrypoint", o->entrypoint,
                 "the exact Entrypoint: a JSON array, or one word per --entrypoint ('[]': none)")
      ->allow_extra_args(false);
  auto repeat = [&](const char* flag, std::vector<std::string>* to, const char* what) {
    app.add_option(flag, *to, what)->allow_extra_args(false);
  };
  repeat("--env", &c.env, "KEY=value in the env, or KEY set at all (repeatable)");
  repeat("--expose", &c.exposes, "an exposed port: 8080 (tcp), 8080/tcp, 53/udp (repeatable)");
  repeat("--label", &c.image_labels, "key=value among the labels, or key set (repeatable)");
  repeat("--file-present", &c.files_present, "PATH exists, of any type (repeatable)");
  repeat("--file-absent", &c.files_absent, "PATH does not exist (repeatable)");
  repeat("--file-mode", &c.file_modes, "PATH=MODE: octal permission bits (repeatable)");
  repeat("--file-owner", &c.file_owners, "PATH=UID:GID (repeatable)");
  repeat("--file-content", &c.file_contents,
         "PATH=REGEX: a regular file whose content the ECMAScript regex finds (repeatable)");
  app.add_option("--max-size", o->max_size, "at most this much compressed layer data (20MB)");
  app.add_option("--max-unpacked-size", o->max_unpacked_size,
                 "at most this much in the merged tree's regular files (64MiB)");
}

// The failures of `checks` on the image `spec` names: on each platform of a
// multi-platform image ("linux/arm64: USER: ..."), unless `platform` names
// one. `platforms` gets the platforms checked so.
std::vector<std::string> RunChecks(const SourceSpec& spec, const std::string& platform,
                                   const StructureChecks& checks, const std::string& scratch,
                                   std::vector<std::string>* platforms) {
  OpenedSource src = OpenForPlatform(spec, PlatformChoice{platform, true}, scratch);
  if (!src.index || !platform.empty()) return CheckStructure(src.image, checks);
  std::vector<std::string> out;
  for (const auto& entry : src.index->entries) {
    std::string name = entry.platform ? PlatformString(*entry.platform) : "";
    OpenedSource one = OpenForPlatform(spec, PlatformChoice{name, false}, scratch);
    for (const auto& f : CheckStructure(one.image, checks)) out.push_back(name + ": " + f);
    platforms->push_back(name);
  }
  return out;
}

int Report(const std::string& source, const std::vector<std::string>& failures, size_t count,
           const std::vector<std::string>& platforms) {
  for (const auto& f : failures) fmt::print("ocimake structure-test: {}: {}\n", source, f);
  if (!failures.empty()) return 1;
  fmt::print("{}: {} check{} passed{}\n", source, count, count == 1 ? "" : "s",
             platforms.empty() ? "" : fmt::format(" on each of {}", fmt::join(platforms, ", ")));
  return 0;
}

}  // namespace

int RunStructureTest(const Args& args) {
  CLI::App app{kStructureTestHelp, "structure-test"};
  StructureTestOptions o;
  app.add_option("image", o.source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  AddCheckOptions(app, &o);
  app.add_option("--platform", o.platform,
                 "OS/ARCH[/VARIANT]: check this platform only of a multi-platform image");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  try {
    StructureChecks& c = o.checks;
    if (app.count("--user")) c.user = o.user;
    if (app.count("--entrypoint")) c.entrypoint = EntrypointOf(o.entrypoint);
    if (app.count("--max-size")) c.max_size = o.max_size;
    if (app.count("--max-unpacked-size")) c.max_unpacked_size = o.max_unpacked_size;
    if (CountChecks(c) == 0) Fail("no checks given (see --help)");
    ValidateChecks(c);
    TempDir scratch("/tmp", "ocimake-structure-");
    std::vector<std::string> platforms;
    std::vector<std::string> failures =
        RunChecks(ParseSourceSpec(o.source), o.platform, c, scratch.path(), &platforms);
    return Report(o.source, failures, CountChecks(c), platforms);
  } catch (const Error& e) {
    fmt::print(stderr, "ocimake structure-test: {}: {}\n", o.source, e.what());
    return 2;
  }
}

}  // namespace ocimake
