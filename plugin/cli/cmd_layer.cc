#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/progress.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "layer/layer_writer.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

struct LayerCommand {
  std::vector<std::string> entries_files;
  std::string tree, layout_dir, output, compression = "gzip", created_by;
  std::string comment_file, depfile;
  int level = -1;
  int64_t jobs = 0;
  int64_t epoch = DefaultEpoch();
};

void AddLayerOptions(CLI::App& app, LayerCommand* c) {
  auto* t = app.add_option("--tree", c->tree, "staged directory: every file below it goes in");
  app.add_option("--entries", c->entries_files,
                 "file of DEST<TAB>SOURCE[<TAB>UID:GID:MODE] lines (repeatable: one layer of all)")
      ->excludes(t);
  app.add_option("--layout", c->layout_dir, "OCI layout to write the blob into")->required();
  app.add_option("--output", c->output, "descriptor JSON to write")->required();
  app.add_option("--compression", c->compression, "gzip (default), zstd or none");
  app.add_option("--level", c->level, "compression level (default: gzip 6, zstd 3)");
  app.add_option("--jobs,-j", c->jobs,
                 "compression threads (default: $OCIMAKE_JOBS, else the cores minus the load "
                 "average, at least 2); the blob is the same bytes for every value");
  app.add_option("--epoch", c->epoch, "mtime of every entry (default: $SOURCE_DATE_EPOCH or 0)");
  app.add_option("--created-by", c->created_by, "history text for the image config");
  app.add_option("--comment-file", c->comment_file,
                 "history comment for the image config: this file's first line");
  app.add_option("--depfile", c->depfile, "write a depfile listing every source file read");
}

// Writes the descriptor (only when its bytes change); the blob it named
// before is dropped from the layer store when it changed, so a store holds
// the current layers, not every edit's.
void WriteDescriptor(const std::string& output, const LayerDescriptor& d,
                     const OciLayout& layout) {
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
}

// The depfile: every source file read, added as the entries stream by (the
// list of a large tree is never held). A symlink whose target is only in
// the image (a loader link) is no input Ninja can stat; the entries file
// that names it is. The entries files too: a depfile with no input at all
// (an empty closure) is one CMake's depfile transform leaves unwritten, and
// Ninja would re-pack the layer on every build.
std::unique_ptr<DepfileWriter> StartDepfile(const LayerCommand& c) {
  if (c.depfile.empty()) return nullptr;
  auto depfile = std::make_unique<DepfileWriter>(c.depfile, c.output);
  for (const auto& file : c.entries_files) depfile->Add(file);
  return depfile;
}

// `entries`, counted into `count` and their sources added to `depfile`.
EntryStream Counted(EntryStream entries, DepfileWriter* depfile, int64_t* count) {
  return [=](const EntryVisitor& visit) {
    entries([&](const LayerEntry& e) {
      ++*count;
      struct stat st;
      if (depfile && !e.source.empty() && stat(e.source.c_str(), &st) == 0)
        depfile->Add(e.source);
      visit(e);
    });
  };
}

// A tree is walked as it is written; entries files are read whole.
std::vector<LayerEntry> ListedEntries(const LayerCommand& c) {
  std::vector<LayerEntry> listed;
  for (const auto& file : c.entries_files)
    for (auto& e : EntriesFromListFile(file)) listed.push_back(std::move(e));
  return CompleteAndSort(std::move(listed));
}

}  // namespace

int RunLayer(const Args& args) {
  CLI::App app{
      "Writes one deterministic layer blob into an OCI layout's blobs/ and a small\n"
      "descriptor JSON (mediaType, digest, size, diff_id) that is rewritten only when\n"
      "its bytes change, so Ninja's restat skips what depends on it.\n\n"
      "  ocimake layer --tree stage/ --layout out/ --output app.layer.json\n"
      "  ocimake layer --entries libs.txt --layout out/ --output libs.layer.json --compression zstd",
      "layer"};
  LayerCommand c;
  AddLayerOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (c.tree.empty() == c.entries_files.empty()) Fail("give one of --tree or --entries");

  LayerOptions options;
  options.compression = ParseCompression(c.compression);
  options.level = c.level;
  options.jobs = app.count("--jobs") ? CheckCompressionJobs(c.jobs, "--jobs") : DefaultCompressionJobs();
  options.mtime = c.epoch;
  Progress progress("packing " + c.output);
  options.progress = [&](uint64_t bytes) { progress.Update(bytes); };
  std::vector<LayerEntry> listed = ListedEntries(c);
  auto depfile = StartDepfile(c);
  int64_t count = 0;
  EntryStream entries = Counted(c.tree.empty() ? ListStream(listed) : TreeStream(c.tree),
                                depfile.get(), &count);
  OciLayout layout = OciLayout::Create(c.layout_dir);
  LayerDescriptor d = WithContext("writing layer " + c.output,
                                  [&] { return WriteLayerBlob(entries, options, layout); });
  d.created_by = c.created_by;
  if (!c.comment_file.empty()) {
    std::string text = ReadFile(c.comment_file, 1 << 20);
    d.comment = FirstLine(text);
  }
  d.entries = count;
  WriteDescriptor(c.output, d, layout);
  if (depfile) depfile->Finish();
  return 0;
}

}  // namespace ocimake
