#include "archive/archive_export.h"
#include "base/error.h"
#include "cli/cli.h"
#include "oci/image.h"
#include "oci/ref_name.h"
#include "source/image_source.h"
#include "source/location.h"

namespace ocimake {

int RunExport(const Args& args) {
  CLI::App app{
      "Writes one image of an OCI layout as a tarball: docker-archive (for\n"
      "`docker load` and `podman load`; it is also a valid oci-archive) or oci-archive.\n"
      "An archive holds one image: of a multi-platform image, --platform's (default:\n"
      "the host's; an index without it is an error listing the platforms it has),\n"
      "named by the index's tag unless --repo-tag is given.\n\n"
      "  ocimake export build/hello-image --output hello.tar\n"
      "  ocimake export build/hello-image:hello:1.0 --format oci-archive --output hello.oci.tar\n"
      "  ocimake export build/multi-image:app --platform linux/arm64 --output app-arm64.tar",
      "export"};
  std::string source, format = "docker-archive", output, repo_tag;
  PlatformChoice platform;
  app.add_option("layout", source, "OCI layout dir[:tag]")->required();
  app.add_option("--format", format, "docker-archive (default) or oci-archive");
  app.add_option("--output,-o", output, "tarball to write (atomically)")->required();
  app.add_option("--repo-tag", repo_tag, "name for docker load (default: the image's tag)");
  app.add_option("--platform", platform.flag,
                 "OS/ARCH[/VARIANT] to take from a multi-platform image (default: the host's)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  ArchiveFormat f = ParseArchiveFormat(format);
  SourceSpec spec = ParseSourceSpec(source);
  if (spec.kind != SourceSpec::kLayout) Fail("{}: expected an OCI layout directory", source);
  OpenedSource src = OpenForPlatform(spec, platform, spec.path);
  if (repo_tag.empty() && src.index)  // the index's name names the image it was taken from
    repo_tag = RefNameText(src.index->descriptor);
  ExportArchive(src.image, f, repo_tag, output);
  return 0;
}

}  // namespace ocimake
