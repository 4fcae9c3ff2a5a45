#include "oci/oci_layout.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/file.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <set>

#include "base/error.h"
#include "oci/index_walk.h"
#include "oci/oci_json.h"
#include "oci/ref_name.h"

namespace ocimake {

namespace {
constexpr char kLayoutFile[] = "oci-layout";
constexpr char kLayoutContent[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
constexpr size_t kChunk = 1 << 20;
constexpr char kWritersLock[] = ".ocimake-writers.lock";

// The writers' lock of a layout: a process that adds blobs or tags holds it
// shared from then until it exits, and a prune runs only when it can take it
// exclusive without waiting (RemoveUnreachableBlobs): so no prune deletes a
// blob a live writer has written or found but not yet tagged. One descriptor
// per layout per process, so that the process's own hold can be converted.
int WritersLock(const std::string& dir) {
  static std::mutex mu;
  static std::map<std::string, int> held;
  std::lock_guard<std::mutex> guard(mu);
  std::string key = AbsolutePath(dir);
  if (auto it = held.find(key); it != held.end()) return it->second;
  std::string path = JoinPath(dir, kWritersLock);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) FailErrno("opening the layout's writers' lock " + path);
  while (flock(fd, LOCK_SH) != 0)
    if (errno != EINTR) FailErrno("locking " + path);
  held[key] = fd;
  return fd;
}

// Converts this process's hold on the writers' lock to exclusive when no
// other process holds it; back to shared when it goes.
class ExclusiveWriter {
 public:
  explicit ExclusiveWriter(const std::string& dir)
      : fd_(WritersLock(dir)), held_(flock(fd_, LOCK_EX | LOCK_NB) == 0) {}
  ~ExclusiveWriter() {
    // A failed conversion may have dropped the shared hold: take it again.
    while (flock(fd_, LOCK_SH) != 0 && errno == EINTR) {
    }
  }
  bool held() const { return held_; }

 private:
  int fd_;
  bool held_;
};
}  // namespace

BlobWriter::BlobWriter(const std::string& blob_dir)
    : blob_dir_(blob_dir), file_(new AtomicFile(JoinPath(blob_dir, ".incoming"))) {}

void BlobWriter::Write(const char* data, size_t size) {
  hash_.Update(data, size);
  file_->Write(data, size);
}

Descriptor BlobWriter::Commit(const std::string& media_type, const Descriptor* expected) {
  Descriptor d;
  d.media_type = media_type;
  d.size = static_cast<int64_t>(hash_.bytes());
  d.digest = hash_.Finish();
  if (expected) {
    if (d.size != expected->size)
      Fail("blob {}: size mismatch: expected {} bytes, got {}", expected->digest.str(),
           expected->size, d.size);
    if (d.digest != expected->digest)
      Fail("blob {}: digest mismatch: expected {} got {}", expected->digest.str(),
           expected->digest.str(), d.digest.str());
  }
  // The temp file ".incoming.tmp-XXXXXX" is published under its digest.
  file_->CommitTo(JoinPath(blob_dir_, d.digest.hex()));
  return d;
}

bool OciLayout::IsLayout(const std::string& dir) {
  return PathExists(JoinPath(dir, kLayoutFile));
}

namespace {
// Reads and checks the oci-layout file of an existing layout.
void CheckLayoutFile(const std::string& dir) {
  std::string path = JoinPath(dir, kLayoutFile);
  ParseLayoutVersion(ReadFile(path, kMaxJsonBytes), path);
}
}  // namespace

OciLayout OciLayout::Open(const std::string& dir) {
  if (!IsDirectory(dir)) Fail("{}: no such directory (expected an OCI image layout)", dir);
  if (!IsLayout(dir)) Fail("{}: not an OCI image layout (no oci-layout file)", dir);
  CheckLayoutFile(dir);
  return OciLayout(dir);
}

OciLayout OciLayout::Create(const std::string& dir) {
  MakeDirs(JoinPath(dir, "blobs/sha256"));
  // What a killed writer left: blobs half written, an index.json never renamed.
  RemoveDeadTemps(JoinPath(dir, "blobs/sha256"), ".incoming.tmp-");
  RemoveDeadTemps(dir, "index.json.tmp-");
  if (!IsLayout(dir) || !PathExists(JoinPath(dir, "index.json"))) {
    // Under the index lock: a concurrent creator must not write an empty
    // index.json over one another process has just tagged an image in.
    FileLock lock(JoinPath(dir, ".ocimake.lock"));
    if (!IsLayout(dir)) WriteFileAtomic(JoinPath(dir, kLayoutFile), kLayoutContent);
    if (!PathExists(JoinPath(dir, "index.json")))
      WriteFileAtomic(JoinPath(dir, "index.json"), ToJson(Index{}));
  }
  CheckLayoutFile(dir);
  return OciLayout(dir);
}

std::string OciLayout::BlobPath(const Digest& d) const {
  return JoinPath(dir_, "blobs/sha256/" + d.hex());
}

bool OciLayout::HasBlob(const Digest& d) const { return PathExists(BlobPath(d)); }

std::unique_ptr<BlobWriter> OciLayout::NewBlobWriter() const {
  WritersLock(dir_);
  std::string blob_dir = JoinPath(dir_, "blobs/sha256");
  MakeDirs(blob_dir);
  return std::make_unique<BlobWriter>(blob_dir);
}

Descriptor OciLayout::WriteBlob(std::string_view bytes, const std::string& media_type) const {
  auto w = NewBlobWriter();
  w->Write(bytes.data(), bytes.size());
  return w->Commit(media_type);
}

void OciLayout::ReadBlob(const Descriptor& d, const ByteSink& sink) const {
  std::string path = BlobPath(d.digest);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("blob " + d.digest.str() + ": opening " + path);
  Sha256 hash;
  std::string buf(kChunk, '\0');
  int64_t total = 0;
  for (;;) {
    // Never read past the declared size: one byte more tells "too long".
    size_t want = static_cast<size_t>(std::min<int64_t>(kChunk, d.size - total + 1));
    ssize_t n = read(fd, buf.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      FailErrno("reading " + path);
    }
    if (n == 0) break;
    total += n;
    if (total > d.size) {
      close(fd);
      Fail("{}: size mismatch: expected {} bytes, the blob is longer", path, d.size);
    }
    hash.Update(buf.data(), static_cast<size_t>(n));
    sink(buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  if (total != d.size)
    Fail("{}: size mismatch: expected {} bytes, got {}", path, d.size, total);
  Digest got = hash.Finish();
  if (got != d.digest)
    Fail("{}: digest mismatch: expected {} got {}", path, d.digest.str(), got.str());
}

std::string OciLayout::ReadSmallBlob(const Descriptor& d) const {
  if (d.size > static_cast<int64_t>(kMaxJsonBytes))
    Fail("blob {}: {} bytes exceeds the limit of {} for a manifest or config",
         d.digest.str(), d.size, kMaxJsonBytes);
  std::string out;
  ReadBlob(d, [&](const char* p, size_t n) { out.append(p, n); });
  return out;
}

bool OciLayout::VerifyBlob(const Descriptor& d) const {
  if (!HasBlob(d.digest)) return false;
  try {
    ReadBlob(d, [](const char*, size_t) {});
    return true;
  } catch (const Error&) {
    return false;
  }
}

void OciLayout::CopyBlobFrom(const OciLayout& src, const Descriptor& d) const {
  WritersLock(dir_);  // before finding the blob here: no prune may take it now
  if (VerifyBlob(d)) return;
  auto w = NewBlobWriter();
  src.ReadBlob(d, [&](const char* p, size_t n) { w->Write(p, n); });
  w->Commit(d.media_type, &d);
}

void OciLayout::LinkBlobFrom(const OciLayout& store, const Descriptor& d) const {
  WritersLock(dir_);
  struct stat st;
  std::string dest = BlobPath(d.digest);
  if (stat(dest.c_str(), &st) == 0 && st.st_size == d.size) return;
  MakeDirs(DirName(dest));
  // A name of this process and call: concurrent linkers of one blob must
  // not take each other's temp link.
  static std::atomic<unsigned> serial{0};
  std::string temp = fmt::format("{}.link-tmp-{}-{}", dest, getpid(), serial++);
  unlink(temp.c_str());
  if (link(store.BlobPath(d.digest).c_str(), temp.c_str()) == 0) {
    if (rename(temp.c_str(), dest.c_str()) != 0) FailErrno("renaming " + temp + " to " + dest);
    return;
  }
  CopyBlobFrom(store, d);
}

Index OciLayout::ReadIndex() const {
  std::string path = JoinPath(dir_, "index.json");
  return ParseIndex(ReadFile(path, kMaxJsonBytes), path);
}

void OciLayout::UpdateIndex(const std::function<void(Index*)>& mutate, bool prune) const {
  FileLock lock(JoinPath(dir_, ".ocimake.lock"));
  Index index = ReadIndex();
  mutate(&index);
  std::string path = JoinPath(dir_, "index.json");
  WriteFileIfChanged(path, ToJson(index));
  if (prune) RemoveUnreachableBlobs(index);
}

Descriptor OciLayout::Tag(Descriptor md, const std::string& tag, bool exclusive) const {
  WritersLock(dir_);
  SetRefName(&md, tag);
  RefName name = EntryName(md);
  std::set<std::string> tree;
  if (exclusive) tree = TreeDigests(md);
  auto refers_to_tree = [&](const Descriptor& artifact) {
    std::optional<Digest> subject = SubjectOf(artifact);
    return subject && tree.count(subject->hex()) > 0;
  };
  UpdateIndex(
      [&](Index* index) {
        std::vector<Descriptor> kept;
        for (auto& m : index->manifests) {
          if (m.artifact_type.empty()) {
            if (!exclusive && !(EntryName(m) == name)) kept.push_back(m);
          } else if (!exclusive || refers_to_tree(m)) {
            kept.push_back(m);
          }
        }
        kept.push_back(md);
        // Images first, in tagging order; then the artifacts as they were.
        std::stable_partition(kept.begin(), kept.end(),
                              [](const Descriptor& d) { return d.artifact_type.empty(); });
        index->manifests = kept;
      },
      exclusive);
  return md;
}

void OciLayout::HoldWritersLock() const { WritersLock(dir_); }

bool OciLayout::PruneEntries(const std::function<bool(const Descriptor&)>& drop) const {
  ExclusiveWriter sole(dir_);
  if (!sole.held()) return false;
  UpdateIndex(
      [&](Index* index) {
        std::vector<Descriptor> kept;
        for (auto& m : index->manifests)
          if (!drop(m)) kept.push_back(m);
        index->manifests = kept;
      },
      true);
  return true;
}

std::optional<Digest> OciLayout::SubjectOf(const Descriptor& entry) const {
  if (entry.artifact_type.empty() || !HasBlob(entry.digest)) return std::nullopt;
  try {
    std::optional<Descriptor> subject =
        ParseManifest(ReadSmallBlob(entry), BlobPath(entry.digest)).subject;
    if (subject) return subject->digest;
  } catch (const Error&) {
    // A corrupt artifact refers to nothing: it is listed as no one's referrer.
  }
  return std::nullopt;
}

std::set<std::string> OciLayout::TreeDigests(const Descriptor& top) const {
  std::set<std::string> digests;
  auto read = [&](const Descriptor& d) { return ReadSmallBlob(d); };
  VisitTree(top, read, [&](const TreeNode& node) { digests.insert(node.descriptor.digest.hex()); },
            dir_);
  return digests;
}

std::optional<std::set<std::string>> OciLayout::ReachableBlobs(const Index& index) const {
  // Reachable: each manifest (and nested index) in index.json, its config
  // and its layers.
  std::set<std::string> keep;
  std::vector<Descriptor> pending = index.manifests;
  while (!pending.empty()) {
    Descriptor d = pending.back();
    pending.pop_back();
    if (!keep.insert(d.digest.hex()).second) continue;
    if (!HasBlob(d.digest)) continue;
    try {
      std::string text = ReadSmallBlob(d);
      std::string what = BlobPath(d.digest);
      std::string mt = SniffMediaType(text, what);
      if (mt == media_type::kOciIndex || mt == media_type::kDockerManifestList) {
        for (auto& m : ParseIndex(text, what).manifests) pending.push_back(m);
      } else {
        Manifest m = ParseManifest(text, what);
        keep.insert(m.config.digest.hex());
        for (auto& l : m.layers) keep.insert(l.digest.hex());
      }
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return keep;
}

void OciLayout::RemoveUnreachableBlobs(const Index& index) const {
  // Anything unreachable in blobs/sha256 is a leftover of an earlier build
  // of this layout and is removed, so the layout holds one image's worth of
  // blobs per tag; but not while another process writes here (its blobs are
  // not reachable until it tags them): they go at the next prune.
  ExclusiveWriter sole(dir_);
  if (!sole.held()) return;
  std::optional<std::set<std::string>> keep = ReachableBlobs(index);
  if (!keep) return;  // an unreadable manifest: be conservative and delete nothing
  std::string blob_dir = JoinPath(dir_, "blobs/sha256");
  DIR* dir = opendir(blob_dir.c_str());
  if (!dir) return;
  std::vector<std::string> remove;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (name.rfind(".incoming.tmp-", 0) == 0) continue;  // RemoveDeadTemps' to remove
    if (!keep->count(name)) remove.push_back(name);
  }
  closedir(dir);
  for (const auto& name : remove) unlink(JoinPath(blob_dir, name).c_str());
}

}  // namespace ocimake
