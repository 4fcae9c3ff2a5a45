#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/progress.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "layer/layer_split.h"
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
  uint64_t split_size = 0;
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
  app.add_option("--split-size", c->split_size,
                 "with --tree: split a tree of at least this many bytes into parts, each a "
                 "layer that is packed again only when it changed (0: never; see the manual)")
      ->needs(t);
}

// The blobs `output` names (one descriptor, or a split tree's parts); none
// when it is missing or unreadable.
std::vector<LayerDescriptor> PreviousDescriptors(const std::string& output) {
  if (!PathExists(output)) return {};
  try {
    return ParseLayerDescriptors(ReadFile(output, kMaxJsonBytes), output);
  } catch (const Error&) {
    return {};
  }
}

// Writes the descriptor file `text` (only when its bytes change); a blob
// it named before and no longer does is dropped from the layer store, so a
// store holds the current layers, not every edit's.
void WriteDescriptors(const std::string& output, const std::string& text,
                      const std::vector<LayerDescriptor>& now, const OciLayout& layout) {
  std::vector<LayerDescriptor> before = PreviousDescriptors(output);
  if (!WriteFileIfChanged(output, text)) return;
  for (const auto& old : before) {
    bool kept = false;
    for (const auto& d : now) kept = kept || d.descriptor.digest == old.descriptor.digest;
    if (!kept) unlink(layout.BlobPath(old.descriptor.digest).c_str());
  }
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

LayerOptions MakeLayerOptions(const CLI::App& app, const LayerCommand& c) {
  LayerOptions options;
  options.compression = ParseCompression(c.compression);
  options.level = c.level;
  options.jobs = app.count("--jobs") ? CheckCompressionJobs(c.jobs, "--jobs")
                                     : DefaultCompressionJobs();
  options.mtime = c.epoch;
  return options;
}

std::string HistoryComment(const LayerCommand& c) {
  return c.comment_file.empty() ? "" : FirstLine(ReadFile(c.comment_file, 1 << 20));
}

// One blob of `entries`, with `label` in its progress line and errors.
LayerDescriptor PackLayer(const EntryStream& entries, LayerOptions options,
                          const OciLayout& layout, const std::string& label,
                          DepfileWriter* depfile) {
  Progress progress("packing " + label);
  options.progress = [&](uint64_t bytes) { progress.Update(bytes); };
  int64_t count = 0;
  LayerDescriptor d = WithContext("writing layer " + label, [&] {
    return WriteLayerBlob(Counted(entries, depfile, &count), options, layout);
  });
  d.entries = count;
  return d;
}

// The parts of a split tree (layer/layer_split.h): a part whose key the
// last run packed, with its blob still in the store, is not packed again.
std::vector<LayerDescriptor> PackParts(const LayerCommand& c, const std::vector<LayerPart>& parts,
                                       const LayerOptions& options, const OciLayout& layout) {
  std::map<std::string, LayerDescriptor> packed;
  for (auto& d : PreviousDescriptors(c.output))
    if (!d.split_key.empty() && layout.HasBlob(d.descriptor.digest)) packed[d.split_key] = d;
  std::vector<LayerDescriptor> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string label = fmt::format("{} (part {} of {})", c.output, i + 1, parts.size());
    auto it = packed.find(parts[i].key);
    LayerDescriptor d = it != packed.end()
                            ? it->second
                            : PackLayer(PartStream(c.tree, parts[i]), options, layout, label, nullptr);
    d.split_key = parts[i].key;
    d.created_by = fmt::format("{} (part {} of {})", c.created_by, i + 1, parts.size());
    d.comment = i == 0 ? HistoryComment(c) : "";
    out.push_back(d);
  }
  return out;
}

// The parts of --tree for --split-size; none when it is not split.
std::vector<LayerPart> TreeParts(const LayerCommand& c, const LayerOptions& options) {
  if (c.split_size == 0) return {};
  FileDigestCache digests(FileDigestCache::BesideTree(c.tree));
  bool hardlinked = false;
  std::vector<SplitEntry> entries = ReadSplitEntries(c.tree, digests, &hardlinked);
  if (hardlinked) return {};
  std::string key = fmt::format("{} {} {} {}:{}", c.compression, options.level, options.mtime,
                                options.uid, options.gid);
  return SplitParts(entries, c.split_size, key);
}

}  // namespace

int RunLayer(const Args& args) {
  CLI::App app{
      "Writes one deterministic layer blob into an OCI layout's blobs/ and a small\n"
      "descriptor JSON (mediaType, digest, size, diff_id) that is rewritten only when\n"
      "its bytes change, so Ninja's restat skips what depends on it. With --split-size\n"
      "a large tree becomes several layers (a JSON array of descriptors).\n\n"
      "  ocimake layer --tree stage/ --layout out/ --output app.layer.json\n"
      "  ocimake layer --tree stage/ --layout out/ --output app.layer.json --split-size 268435456\n"
      "  ocimake layer --entries libs.txt --layout out/ --output libs.layer.json --compression zstd",
      "layer"};
  LayerCommand c;
  AddLayerOptions(app, &c);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (c.tree.empty() == c.entries_files.empty()) Fail("give one of --tree or --entries");
  LayerOptions options = MakeLayerOptions(app, c);
  std::vector<LayerPart> parts = TreeParts(c, options);
  OciLayout layout = OciLayout::Create(c.layout_dir);
  if (!parts.empty()) {
    std::vector<LayerDescriptor> descriptors = PackParts(c, parts, options, layout);
    WriteDescriptors(c.output, ToJson(descriptors), descriptors, layout);
    return 0;
  }
  std::vector<LayerEntry> listed = ListedEntries(c);
  auto depfile = StartDepfile(c);
  LayerDescriptor d = PackLayer(c.tree.empty() ? ListStream(listed) : TreeStream(c.tree), options,
                                layout, c.output, depfile.get());
  d.created_by = c.created_by;
  d.comment = HistoryComment(c);
  WriteDescriptors(c.output, ToJson(d), {d}, layout);
  if (depfile) depfile->Finish();
  return 0;
}

}  // namespace ocimake
