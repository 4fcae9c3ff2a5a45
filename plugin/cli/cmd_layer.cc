#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/progress.h"
#include "cli/cli.h"
#include "layer/layer_writer.h"
#include "oci/oci_json.h"

namespace ocimake {

int RunLayer(const Args& args) {
  CLI::App app{
      "Writes one deterministic layer blob into an OCI layout's blobs/ and a small\n"
      "descriptor JSON (mediaType, digest, size, diff_id) that is rewritten only when\n"
      "its bytes change, so Ninja's restat skips what depends on it.\n\n"
      "  ocimake layer --tree stage/ --layout out/ --output app.layer.json\n"
      "  ocimake layer --entries libs.txt --layout out/ --output libs.layer.json --compression zstd",
      "layer"};
  std::string tree, entries_file, layout_dir, output, compression = "gzip", created_by, depfile;
  int level = -1;
  int64_t epoch = DefaultEpoch();
  auto* t = app.add_option("--tree", tree, "staged directory: every file below it goes in");
  app.add_option("--entries", entries_file, "file of DEST<TAB>SOURCE lines")->excludes(t);
  app.add_option("--layout", layout_dir, "OCI layout to write the blob into")->required();
  app.add_option("--output", output, "descriptor JSON to write")->required();
  app.add_option("--compression", compression, "gzip (default), zstd or none");
  app.add_option("--level", level, "compression level (default: gzip 6, zstd 3)");
  app.add_option("--epoch", epoch, "mtime of every entry (default: $SOURCE_DATE_EPOCH or 0)");
  app.add_option("--created-by", created_by, "history text for the image config");
  std::string comment_file;
  app.add_option("--comment-file", comment_file,
                 "history comment for the image config: this file's first line");
  app.add_option("--depfile", depfile, "write a depfile listing every source file read");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (tree.empty() == entries_file.empty()) Fail("give one of --tree or --entries");

  LayerOptions options;
  options.compression = ParseCompression(compression);
  options.level = level;
  options.mtime = epoch;
  Progress progress("packing " + output);
  options.progress = [&](uint64_t bytes) { progress.Update(bytes); };
  std::vector<LayerEntry> entries =
      tree.empty() ? EntriesFromListFile(entries_file) : EntriesFromTree(tree);
  entries = CompleteAndSort(std::move(entries));
  OciLayout layout = OciLayout::Create(layout_dir);
  LayerDescriptor d = WithContext("writing layer " + output, [&] {
    return WriteLayerBlob(entries, options, layout);
  });
  d.created_by = created_by;
  if (!comment_file.empty()) {
    std::string text = ReadFile(comment_file, 1 << 20);
    d.comment = text.substr(0, text.find('\n'));
  }
  d.entries = static_cast<int64_t>(entries.size());
  // The blob this descriptor named before is dropped from the layer store
  // when it changed, so a store holds the current layers, not every edit's.
  std::string previous;
  if (PathExists(output)) {
    try {
      previous = ParseLayerDescriptor(ReadFile(output, kMaxJsonBytes), output)
                     .descriptor.digest.hex();
    } catch (const Error&) {
    }
  }
  if (WriteFileIfChanged(output, ToJson(d)) && !previous.empty() &&
      previous != d.descriptor.digest.hex())
    unlink(layout.BlobPath(Digest::FromHex(previous)).c_str());
  if (!depfile.empty()) {
    std::vector<std::string> inputs;
    // A symlink whose target is only in the image (a loader link) is no
    // input Ninja can stat; the entries file that names it is.
    struct stat st;
    for (const auto& e : entries)
      if (!e.source.empty() && stat(e.source.c_str(), &st) == 0) inputs.push_back(e.source);
    WriteDepfile(depfile, output, inputs);
  }
  return 0;
}

}  // namespace ocimake
