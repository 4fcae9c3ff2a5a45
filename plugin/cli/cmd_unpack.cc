#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "rootfs/rootfs_unpacker.h"
#include "source/image_source.h"

namespace ocimake {

int RunUnpack(const Args& args) {
  CLI::App app{
      "Unpacks an image's layers (whiteouts applied) into a new directory, every\n"
      "path resolved inside it: no entry, link or whiteout can reach outside.\n\n"
      "  ocimake unpack build/hello-image rootfs/\n"
      "  ocimake unpack toolchain.oci.tar rootfs/ --max-bytes 10000000000",
      "unpack"};
  std::string source, dest;
  uint64_t max_bytes = kDefaultMaxUnpackBytes;
  app.add_option("image", source, "OCI layout dir[:tag], oci-archive or docker-archive")
      ->required();
  app.add_option("destination", dest, "directory to create")->required();
  app.add_option("--max-bytes", max_bytes, "refuse images that unpack to more (default 32 GiB)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  std::string abs = AbsolutePath(dest);
  OpenedSource src = OpenSource(ParseSourceSpec(source), HostPlatform(), DirName(abs));
  UnpackImage(src.image, abs, max_bytes);
  return 0;
}

}  // namespace ocimake
