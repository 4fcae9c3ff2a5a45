#include "cli/commands.h"

namespace ocimake {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = {
      {"toolchain", "make a toolchain root filesystem in the cache", RunToolchain},
      {"stage", "install a CMake build tree's artifacts into a staging tree", RunStage},
      {"check-inputs", "touch a stamp when a file listed in an input manifest has changed",
       RunCheckInputs},
      {"closure", "list the shared libraries the staged ELF files need", RunClosure},
      {"packages", "list the files of installed Debian packages (RUNTIME_PACKAGES)",
       RunPackages},
      {"user", "write the runtime user's files: accounts, home, /tmp, WRITABLE dirs", RunUser},
      {"layer", "write a deterministic layer blob from a tree or an entries file", RunLayer},
      {"image", "assemble base + layers + config into an OCI layout", RunImage},
      {"sbom-write", "write an image's SPDX 2.3 SBOM (the image edge's companion)",
       RunSbomWrite},
      {"sbom", "print the SBOM (or --provenance) attached to an image, in a layout or registry",
       RunSbom},
      {"index", "write a multi-platform image index of platform manifests", RunIndex},
      {"provenance-write", "write an image's build provenance (in-toto, SLSA v1)",
       RunProvenanceWrite},
      {"export", "write an image as a docker-archive or oci-archive tarball", RunExport},
      {"copy", "copy an image between layouts, archives and registries", RunCopy},
      {"unpack", "unpack an image's layers safely into a directory", RunUnpack},
      {"run", "run a command inside an image, in ocimake-sandbox", RunRun},
      {"service-test", "test an image as a service: start, wait until ready, run a client, stop",
       RunServiceTestCommand},
      {"inspect", "summarise an image (layers, sizes, config)", RunInspect},
      {"diff", "print the first difference between two images (exit 1), or 0", RunDiff},
      {"structure-test", "check an image's config, files and size without running it (exit 1)",
       RunStructureTest},
      {"push", "push an image of a layout to a registry", RunPush},
      {"pull", "pull an image from a registry into a layout", RunPull},
      {"base-digest", "pin a registry base's tag to its digest now, in a file (on change)",
       RunBaseDigest},
      {"login", "check and store credentials for a registry", RunLogin},
      {"cache", "list the cache's entries (ls) and trim them (prune)", RunCache},
  };
  return kCommands;
}

}  // namespace ocimake
