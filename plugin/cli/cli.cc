#include "cli/cli.h"

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "oci/image_reference.h"
#include "oci/oci_layout.h"
#include "oci/oci_types.h"
#include "oci/platform.h"
#include "oci/referrers.h"
#include "registry/registry_client.h"

namespace ocimake {

int ParseArgs(CLI::App& app, const Args& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "ocimake " << app.get_name() << ": " << Printable(e.what()) << " (see --help)\n";
    return 2;
  }
  return -1;
}

void AddRegistryFlags(CLI::App& app, RegistryFlags* flags, bool with_cache) {
  app.add_option("--ca-file", flags->ca_file,
                 "PEM file of CAs trusted for registries (default: $OCIMAKE_CA_FILE, else the "
                 "system's)");
  app.add_option("--insecure-registry", flags->insecure,
                 "allow plain http for this registry HOST[:PORT] (repeatable; loopback ones "
                 "always are; also $OCIMAKE_INSECURE_REGISTRIES)");
  if (!with_cache) return;
  app.add_option("--cache", flags->cache_dir,
                 "cache directory for pulled images (default: $OCIMAKE_CACHE_DIR or "
                 "~/.cache/ocimake)");
}

void AddTransferJobsFlag(CLI::App& app, RegistryFlags* flags) {
  app.add_option("--jobs", flags->jobs,
                 "blobs pushed or pulled at once, 1 to 32 (default: $OCIMAKE_TRANSFER_JOBS, "
                 "else 4)");
}

RegistryOptions MakeRegistryOptions(const RegistryFlags& flags) {
  RegistryOptions options = RegistryOptions::FromEnvironment();
  if (!flags.ca_file.empty()) {
    if (!PathExists(flags.ca_file)) Fail("--ca-file {}: no such file", flags.ca_file);
    options.ca_file = flags.ca_file;
  }
  for (const auto& i : flags.insecure) options.insecure.push_back(i);
  options.cache_dir = flags.cache_dir;
  if (!flags.jobs.empty()) options.transfer_jobs = ParseTransferJobs(flags.jobs, "--jobs");
  return options;
}

std::string ResolveBaseArgument(const std::string& base) {
  if (!StartsWith(base, "@")) return base;
  std::string file = base.substr(1);
  if (!PathExists(file)) Fail("--base @{}: no such file (written by `ocimake base-digest`)", file);
  std::string pinned = Trim(ReadFile(file, 4096));
  bool ok = false;
  try {
    ok = !ParseImageReference(pinned).digest.empty();
  } catch (const Error&) {
  }
  if (!ok)
    Fail("--base @{}: expected a registry reference pinned by digest (REF@sha256:...), got '{}'",
         file, Printable(pinned.substr(0, 300)));
  return pinned;
}

std::optional<OpenedSource> OpenBase(const std::string& given, const std::string& platform,
                                     const RegistryFlags& registry, const std::string& near) {
  std::string base = ResolveBaseArgument(given);
  SourceSpec spec = ParseSourceSpec(base);
  if (spec.kind == SourceSpec::kScratch) return std::nullopt;
  Platform want = platform.empty() ? HostPlatform() : ParsePlatform(platform);
  RegistryOptions options = MakeRegistryOptions(registry);
  OpenedSource source = WithContext("base " + base, [&] {
    return OpenSource(spec, want, DirName(AbsolutePath(near)), &options);
  });
  if (!platform.empty()) WithContext("base " + base, [&] { RequirePlatform(source.image, want); });
  return source;
}

int64_t DefaultEpoch() {
  const char* s = std::getenv("SOURCE_DATE_EPOCH");
  if (!s || !*s) return 0;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (*end || v < 0) {
    std::cerr << "ocimake: SOURCE_DATE_EPOCH='" << s << "' is not a number of seconds; using 0\n";
    return 0;
  }
  return v;
}

namespace {
std::string EscapeDepPath(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}
}  // namespace

void WriteDepfile(const std::string& depfile, const std::string& output,
                  const std::vector<std::string>& inputs) {
  DepfileWriter writer(depfile, output);
  for (const auto& i : inputs) writer.Add(i);
  writer.Finish();
}

DepfileWriter::DepfileWriter(const std::string& depfile, const std::string& output)
    : depfile_(depfile), file_(depfile), buffer_(EscapeDepPath(output) + ":") {}

void DepfileWriter::Add(const std::string& input) {
  buffer_ += " \\\n  " + EscapeDepPath(input);
  if (buffer_.size() >= (64u << 10)) Flush();
}

void DepfileWriter::Flush() {
  hash_.Update(buffer_);
  file_.Write(buffer_);
  buffer_.clear();
}

void DepfileWriter::Finish() {
  buffer_ += "\n";
  Flush();
  uint64_t size = hash_.bytes();
  Digest digest = hash_.Finish();
  struct stat st;
  // The same bytes already there: left as they are (Ninja's restat).
  if (stat(depfile_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) == size &&
      Digest::OfFile(depfile_) == digest)
    return;
  file_.Commit();
}

void AttachBeside(const std::string& image, const Descriptor& subject, const char* artifact_type,
                  const std::string& document, const std::string& output) {
  AttachArtifact(OciLayout::Open(ParseSourceSpec(image).path), subject, artifact_type, document,
                 PathComponents(output).back());
}

}  // namespace ocimake
