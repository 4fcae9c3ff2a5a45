// `ocimake base-digest`: a registry base named by tag, pinned to the digest
// the tag points at now, in a file an image edge depends on (`--base @FILE`).
// The file is rewritten only when the digest changed, so with Ninja's restat
// a build whose base tag did not move re-runs nothing downstream. When the
// tag was last checked is kept beside it (FILE.checked), not in FILE, for
// the same reason.
#include <sys/stat.h>

#include <ctime>
#include <iostream>
#include <optional>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "oci/image_reference.h"
#include "registry/registry_client.h"
#include "registry/registry_options.h"

namespace ocimake {

namespace {

struct BaseDigestCommand {
  std::string reference, output, refresh = "always";
  RegistryFlags registry;
};

// The digest FILE records for `ref` (same registry, repository and tag), if any.
std::optional<Digest> RecordedDigest(const std::string& file, const ImageReference& ref) {
  if (!PathExists(file)) return std::nullopt;
  try {
    ImageReference pinned = ParseImageReference(Trim(ReadFile(file, 4096)));
    if (pinned.name() != ref.name() || pinned.tag != ref.tag || pinned.digest.empty())
      return std::nullopt;
    return pinned.digest;
  } catch (const Error&) {
    return std::nullopt;  // not ours, or damaged: resolve again
  }
}

// Whether the registry must be asked: never (when a digest is recorded),
// always, or when the last check is older than N minutes.
bool DueForCheck(const BaseDigestCommand& c, bool recorded) {
  if (!recorded || c.refresh == "always") return true;
  if (c.refresh == "never") return false;
  struct stat st {};
  if (stat((c.output + ".checked").c_str(), &st) != 0) return true;
  return std::time(nullptr) - st.st_mtime >= std::stoll(c.refresh) * 60;
}

void CheckRefresh(const std::string& refresh) {
  if (refresh == "always" || refresh == "never") return;
  if (refresh.empty() || refresh.size() > 9 ||
      refresh.find_first_not_of("0123456789") != std::string::npos)
    Fail("--refresh {}: expected always, never or a number of minutes", Printable(refresh));
}

// The digest of the manifest (or index) the tag names: a HEAD request, a GET
// when the registry's answer has no Docker-Content-Digest. Empty when the
// registry has no such tag.
Digest ResolveTag(const ImageReference& ref, const RegistryOptions& options) {
  RegistryClient client(ref.registry, options);
  std::optional<Descriptor> head = client.HeadManifest(ref.repository, ref.tag);
  if (!head) return Digest{};
  if (!head->digest.empty()) return head->digest;
  std::optional<ManifestBytes> m = client.FindManifest(ref.repository, ref.tag);
  return m ? m->descriptor.digest : Digest{};
}

std::string Pinned(const ImageReference& ref, const Digest& digest) {
  return ref.name() + ":" + ref.tag + "@" + digest.str();
}

int Run(const BaseDigestCommand& c) {
  CheckRefresh(c.refresh);
  ImageReference ref = ParseImageReference(c.reference);
  MakeDirs(DirName(AbsolutePath(c.output)));
  if (!ref.digest.empty()) {  // pinned already: nothing to ask
    WriteFileIfChanged(c.output, ref.str() + "\n");
    return 0;
  }
  std::optional<Digest> recorded = RecordedDigest(c.output, ref);
  if (!DueForCheck(c, recorded.has_value())) return 0;
  RegistryOptions options = MakeRegistryOptions(c.registry);
  if (recorded) options.retry.attempts = 2;  // offline: fall back quickly
  Digest now;
  try {
    now = ResolveTag(ref, options);
  } catch (const Error& e) {
    if (!recorded) throw;
    std::cerr << "ocimake base-digest: warning: " << ref.str() << ": "
              << Printable(e.what()) << "; using the last known digest " << recorded->str()
              << "\n";
    return 0;
  }
  if (now.empty())  // a definite answer: the tag is gone
    Fail("registry {}: manifest {}:{}: not found", ref.registry, ref.repository, ref.tag);
  if (recorded && *recorded != now)
    std::cout << "base " << ref.str() << " moved: " << recorded->str() << " -> " << now.str()
              << "\n";
  WriteFileIfChanged(c.output, Pinned(ref, now) + "\n");
  WriteFileAtomic(c.output + ".checked", "");
  return 0;
}

}  // namespace

int RunBaseDigest(const Args& args) {
  CLI::App app{
      "Pins a registry base named by tag to the digest the tag points at now: writes\n"
      "FILE holding REF@sha256:<digest> (the manifest or index the tag names), only when\n"
      "that changed, for `--base @FILE` of image, closure, user and sbom-write. The tag\n"
      "is resolved with one HEAD request (a GET when the registry gives no digest). When\n"
      "the registry cannot be reached and FILE records a digest for REF already, a\n"
      "warning is printed and FILE is kept, so an offline build still works. A REF\n"
      "pinned by digest is written as it is, without asking the registry.\n\n"
      "  ocimake base-digest 127.0.0.1:5000/base/debian:12 --output build/base.ref\n"
      "  ocimake base-digest ghcr.io/org/base:1 --output base.ref --refresh 60",
      "base-digest"};
  BaseDigestCommand c;
  app.add_option("reference", c.reference, "HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")->required();
  app.add_option("--output,-o", c.output, "the pin file to write (on change)")->required();
  app.add_option("--refresh", c.refresh,
                 "when to ask the registry again once FILE records a digest: always "
                 "(default), never, or MINUTES (when the last check is older than that; "
                 "kept in FILE.checked)");
  AddRegistryFlags(app, &c.registry, false);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  return Run(c);
}

}  // namespace ocimake
