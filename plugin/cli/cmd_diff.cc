#include <cstdio>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "image/image_diff.h"
#include "oci/platform.h"
#include "source/image_source.h"

namespace ocimake {

namespace {

constexpr char kDiffHelp[] =
    "Compares two images as diffoci does and prints their FIRST difference as\n"
    "one line: the config's fields (all but rootfs.diff_ids), the manifest's\n"
    "own fields, the number of layers, then the layers entry by entry in tar\n"
    "order (path, type, mode, owner, mtime, link target, size, the sha256 of\n"
    "the content). Of two multi-platform images, the platform lists, then each\n"
    "platform's image in turn. The layer blobs are streamed, never unpacked.\n\n"
    "Exit status: 0 when the images are the same (their digest is printed),\n"
    "1 when they differ, 2 on an error (an image that cannot be read).\n\n"
    "  ocimake diff build/app-image:app:1.0 /tmp/rebuild/app-image:app:1.0\n"
    "    layer 2 (ocimake: install tree of app-image): usr/local/bin/app:\n"
    "    content differs (sha256:9c1e40f2a7b3… vs sha256:5e02d8c41f6a…)\n"
    "  ocimake diff app.tar build/app-image";

using Found = std::optional<std::string>;

// The first difference between the images `a` and `b` name, the platforms
// of two multi-platform images each in turn. `digest` gets the digest they
// share when there is none.
Found FirstDifference(const SourceSpec& a, const SourceSpec& b, const std::string& scratch,
                      std::string* digest) {
  PlatformChoice first{"", true};
  OpenedSource sa = OpenForPlatform(a, first, scratch), sb = OpenForPlatform(b, first, scratch);
  if (sa.index.has_value() != sb.index.has_value())
    return fmt::format("A is {}, B is {}", sa.index ? "a multi-platform image" : "one image",
                       sb.index ? "a multi-platform image" : "one image");
  if (!sa.index) {
    *digest = sa.image.manifest_descriptor.digest.str();
    return ImageDifference(sa.image, sb.image);
  }
  *digest = sa.index->descriptor.digest.str();
  if (sa.index->descriptor.digest == sb.index->descriptor.digest) return std::nullopt;
  if (Found f = PlatformListDifference(*sa.index, *sb.index)) return f;
  for (const auto& entry : sa.index->entries) {
    PlatformChoice one{entry.platform ? PlatformString(*entry.platform) : "", false};
    OpenedSource pa = OpenForPlatform(a, one, scratch), pb = OpenForPlatform(b, one, scratch);
    if (Found f = ImageDifference(pa.image, pb.image)) return one.flag + ": " + *f;
  }
  return fmt::format("index differs ({} vs {})", *digest, sb.index->descriptor.digest.str());
}

}  // namespace

int RunDiff(const Args& args) {
  CLI::App app{kDiffHelp, "diff"};
  std::string a, b;
  app.add_option("A", a, "OCI layout dir[:tag], oci-archive or docker-archive")->required();
  app.add_option("B", b, "the image to compare it with (the same forms)")->required();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  try {
    TempDir scratch(TempParent(), "ocimake-diff-");
    std::string digest;
    if (Found f = FirstDifference(ParseSourceSpec(a), ParseSourceSpec(b), scratch.path(),
                                  &digest)) {
      fmt::print("{}\n", *f);
      return 1;
    }
    fmt::print("identical: {}\n", digest);
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "ocimake diff: {}\n", Printable(e.what()));
    return 2;
  }
}

}  // namespace ocimake
