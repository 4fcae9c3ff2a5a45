#include "archive/archive_export.h"
#include "base/error.h"
#include "cli/cli.h"
#include "oci/image.h"
#include "source/location.h"

namespace ocimake {

int RunExport(const Args& args) {
  CLI::App app{
      "Writes one image of an OCI layout as a tarball: docker-archive (for\n"
      "`docker load` and `podman load`; it is also a valid oci-archive) or oci-archive.\n\n"
      "  ocimake export build/hello-image --output hello.tar\n"
      "  ocimake export build/hello-image:hello:1.0 --format oci-archive --output hello.oci.tar",
      "export"};
  std::string source, format = "docker-archive", output, repo_tag;
  app.add_option("layout", source, "OCI layout dir[:tag]")->required();
  app.add_option("--format", format, "docker-archive (default) or oci-archive");
  app.add_option("--output,-o", output, "tarball to write (atomically)")->required();
  app.add_option("--repo-tag", repo_tag, "name for docker load (default: the image's tag)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  ArchiveFormat f = ParseArchiveFormat(format);
  SourceSpec spec = ParseSourceSpec(source);
  if (spec.kind != SourceSpec::kLayout) Fail("{}: expected an OCI layout directory", source);
  LoadedImage image = LoadImage(spec.path, spec.tag, Platform{});
  ExportArchive(image, f, repo_tag, output);
  return 0;
}

}  // namespace ocimake
