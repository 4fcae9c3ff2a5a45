#include "archive/archive_import.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "layer/layer_entries.h"
#include "oci/index_walk.h"
#include "layer/layer_reader.h"
#include "oci/oci_json.h"
#include "oci/oci_types.h"
#include "oci/ref_name.h"

namespace ocimake {

namespace {

// Extracts the regular files of the tarball into `raw` under their
// normalised names. Links, devices and directories are not created: an
// archive of blobs has no use for them, and so they cannot be abused.
void ExtractRegularFiles(const std::string& file, const std::string& raw) {
  LayerReadPolicy policy;
  policy.max_entries = kMaxArchiveEntries;
  policy.max_bytes = kMaxArchiveBytes;
  LayerReader reader(file, file, policy);
  LayerTarEntry e;
  while (reader.Next(&e)) {
    if (e.type != LayerTarEntry::kFile) continue;
    std::string dest = JoinPath(raw, e.path);
    MakeDirs(DirName(dest));
    AtomicFile out(dest);
    reader.ReadContent([&](const char* p, size_t n) { out.Write(p, n); });
    out.Commit();
  }
}

void CopyRawBlob(const std::string& raw_file, const OciLayout& dst, Descriptor* d) {
  auto w = dst.NewBlobWriter();
  int fd = open(raw_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening " + raw_file);
  std::vector<char> buf(1 << 20);
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0) w->Write(buf.data(), static_cast<size_t>(n));
  close(fd);
  if (n < 0) FailErrno("reading " + raw_file);
  Descriptor got = w->Commit(d->media_type);
  d->digest = got.digest;
  d->size = got.size;
}

std::string SniffLayerMediaType(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  unsigned char m[4] = {};
  ssize_t n = fd >= 0 ? read(fd, m, 4) : -1;
  if (fd >= 0) close(fd);
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return media_type::kOciLayerGzip;
  if (n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
    return media_type::kOciLayerZstd;
  return media_type::kOciLayer;
}

void ImportOciLayout(const std::string& raw, const OciLayout& dst, const std::string& file) {
  OciLayout src = OciLayout::Open(raw);
  Index index = WithContext(file, [&] { return src.ReadIndex(); });
  auto read = [&](const Descriptor& d) { return src.ReadSmallBlob(d); };
  auto copy = [&](const TreeNode& node) {
    if (node.manifest) {
      dst.CopyBlobFrom(src, node.manifest->config);
      for (auto& l : node.manifest->layers) dst.CopyBlobFrom(src, l);
    }
    dst.CopyBlobFrom(src, node.descriptor);
  };
  WithContext(file, [&] {
    for (const auto& m : index.manifests) VisitTree(m, read, copy, "blob");
  });
  WriteFileAtomic(JoinPath(dst.dir(), "index.json"), ToJson(index));
}

void ImportDockerArchive(const std::string& raw, const OciLayout& dst, const std::string& file) {
  std::string mpath = JoinPath(raw, "manifest.json");
  DockerArchiveImage entry =
      ParseDockerArchiveManifest(ReadFile(mpath, kMaxJsonBytes), file + " manifest.json").front();
  auto member = [&](const std::string& name) {
    std::string path =
        JoinPath(raw, WithContext(file, [&] { return NormalizeLayerPath(name); }));
    if (!PathExists(path)) Fail("{}: {} is missing", file, name);
    return path;
  };
  Manifest m;
  m.config.media_type = media_type::kOciConfig;
  std::string config_path = member(entry.config);
  CopyRawBlob(config_path, dst, &m.config);
  ImageConfig config = ParseImageConfig(ReadFile(config_path, kMaxJsonBytes), file + " config");
  if (entry.layers.size() != config.diff_ids.size())
    Fail("{}: manifest.json lists {} layers but the config {} diff_ids", file,
         entry.layers.size(), config.diff_ids.size());
  for (size_t i = 0; i < entry.layers.size(); ++i) {
    std::string path = member(entry.layers[i]);
    Digest diff_id =
        WithContext(file + " layer " + entry.layers[i], [&] { return UncompressedDigest(path); });
    if (diff_id != config.diff_ids[i])
      Fail("{}: layer {}: diff_id mismatch: expected {} got {}", file, entry.layers[i],
           config.diff_ids[i].str(), diff_id.str());
    Descriptor d;
    d.media_type = SniffLayerMediaType(path);
    CopyRawBlob(path, dst, &d);
    m.layers.push_back(d);
  }
  Descriptor md = dst.WriteBlob(ToJson(m), media_type::kOciManifest);
  if (!entry.repo_tags.empty())
    WithContext(file + " RepoTags", [&] { SetRefName(&md, entry.repo_tags.front()); });
  Index index;
  index.manifests.push_back(md);
  WriteFileAtomic(JoinPath(dst.dir(), "index.json"), ToJson(index));
}

}  // namespace

void ImportArchive(const std::string& file, const std::string& layout_dir) {
  if (!PathExists(file)) Fail("{}: no such file", file);
  if (PathExists(layout_dir)) Fail("{}: already exists", layout_dir);
  TempDir work(DirName(layout_dir), ".ocimake-unpack-");
  std::string raw = JoinPath(work.path(), "raw");
  MakeDirs(raw);
  ExtractRegularFiles(file, raw);
  OciLayout dst = OciLayout::Create(JoinPath(work.path(), "layout"));
  if (PathExists(JoinPath(raw, "oci-layout")) && PathExists(JoinPath(raw, "index.json")))
    ImportOciLayout(raw, dst, file);
  else if (PathExists(JoinPath(raw, "manifest.json")))
    ImportDockerArchive(raw, dst, file);
  else
    Fail("{}: not an oci-archive or docker-archive (no oci-layout or manifest.json)", file);
  if (rename(dst.dir().c_str(), layout_dir.c_str()) != 0)
    FailErrno("renaming " + dst.dir() + " to " + layout_dir);
}

}  // namespace ocimake
