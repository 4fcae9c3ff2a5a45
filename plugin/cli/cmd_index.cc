#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "image/image_builder.h"
#include "oci/oci_layout.h"

namespace ocimake {

namespace {

// A digest file of `ocimake image --digest-file`: "sha256:<hex>\n".
Digest ReadDigestFile(const std::string& path) {
  std::string text = ReadFile(path, 1024);
  return WithContext(path, [&] { return Digest::Parse(FirstLine(text)); });
}

}  // namespace

int RunIndex(const Args& args) {
  CLI::App app{
      "Writes an image index of the given platform manifests (made in the --from\n"
      "layout by `ocimake image --untagged`, one per platform) into --layout with\n"
      "their blobs, tags it in index.json and prints its digest: a multi-platform\n"
      "image. The output layout is created only when every manifest is good.\n\n"
      "  ocimake index --layout out/ --from platforms/ --manifest amd64/image.digest \\\n"
      "      --manifest arm64/image.digest --tag greeter:latest --prune",
      "index"};
  std::string layout_dir, from_dir, tag, digest_file;
  std::vector<std::string> manifests;
  bool prune = false;
  app.add_option("--layout", layout_dir, "the OCI layout to write (created when missing)")
      ->required();
  app.add_option("--from", from_dir, "the OCI layout the manifests are in (default: --layout)");
  app.add_option("--manifest", manifests,
                 "file holding a manifest digest, one per platform (repeatable, in order)")
      ->required();
  app.add_option("--tag", tag, "name of the index in index.json (NAME:TAG or a bare TAG)");
  app.add_flag("--prune", prune,
               "the layout is the build's own: keep only this index and its blobs");
  app.add_option("--digest-file", digest_file, "write the index digest here (on change)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  std::vector<Digest> digests;
  for (const auto& m : manifests) digests.push_back(ReadDigestFile(m));
  OciLayout from = OciLayout::Open(from_dir.empty() ? layout_dir : from_dir);
  Descriptor index = WriteIndex(OciLayout::Create(layout_dir), from, digests, tag, prune);
  if (!digest_file.empty()) WriteFileIfChanged(digest_file, index.digest.str() + "\n");
  std::cout << index.digest.str() << "\n";
  return 0;
}

}  // namespace ocimake
