#include "registry/blob_upload.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "base/error.h"
#include "base/progress.h"
#include "base/strings.h"
#include "registry/registry_transport.h"

namespace ocimake {

namespace {

// A blob file read in chunks, hashed once, in order, as it is read.
class ChunkReader {
 public:
  ChunkReader(const std::string& path, const Descriptor& d) : path_(path), d_(d) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) FailErrno("opening " + path);
  }
  ~ChunkReader() { close(fd_); }

  std::string Read(uint64_t offset, uint64_t size) {
    std::string buf(size, '\0');
    uint64_t done = 0;
    while (done < size) {
      ssize_t n = pread(fd_, buf.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) FailErrno("reading " + path_);
      if (n == 0) Fail("{}: size mismatch: expected {} bytes, the file is shorter", path_, d_.size);
      done += static_cast<uint64_t>(n);
    }
    if (offset <= hashed_ && offset + size > hashed_) {
      hash_.Update(buf.data() + (hashed_ - offset), offset + size - hashed_);
      hashed_ = offset + size;
    }
    return buf;
  }

  // After the last chunk: fails unless the bytes sent are the blob's.
  void Verify() {
    if (hashed_ != static_cast<uint64_t>(d_.size)) return;  // resumed: the registry checks
    char extra;
    if (pread(fd_, &extra, 1, d_.size) == 1)
      Fail("{}: size mismatch: expected {} bytes, the file is longer", path_, d_.size);
    Digest got = hash_.Finish();
    if (got != d_.digest)
      Fail("{}: digest mismatch: expected {} got {}", path_, d_.digest.str(), got.str());
  }

 private:
  std::string path_;
  Descriptor d_;
  int fd_ = -1;
  Sha256 hash_;
  uint64_t hashed_ = 0;
};

std::string Short(const Digest& d) { return d.str().substr(0, 19); }

// A small blob, read (and verified) once.
std::string ReadWhole(const OciLayout& from, const Descriptor& d) {
  std::string whole;
  from.ReadBlob(d, [&](const char* p, size_t n) { whole.append(p, n); });
  return whole;
}

// One blob's upload: the session (where to send the next bytes, and how
// many the registry holds) and the attempts that move it on.
class BlobUpload {
 public:
  BlobUpload(const UploadChannel& channel, const RegistryOptions& options, const Descriptor& d,
             const OciLayout& from, const std::string& location)
      : channel_(channel), options_(options), d_(d), size_(static_cast<uint64_t>(d.size)),
        chunked_(size_ >= options.chunk_threshold),
        whole_(chunked_ ? "" : ReadWhole(from, d)),
        reader_(from.BlobPath(d.digest), d),
        location_(location) {}

  void Run() {
    Progress progress("pushing " + Short(d_.digest));
    progress_ = &progress;
    WithRetries(options_.retry, channel_.registry, [&](int attempt) {
      if (attempt > 0 && Resume()) return;
      if (location_.empty()) Start();
      while (chunked_ && offset_ < size_) {
        uint64_t length = std::min<uint64_t>(options_.chunk_size, size_ - offset_);
        SendChunk(reader_.Read(offset_, length));
      }
      if (chunked_) reader_.Verify();
      Finish();
    });
  }

 private:
  // After a failure: true when the registry has the blob after all (the
  // last answer may have been lost after it stored it); else where to go on.
  bool Resume() {
    HttpResponse head =
        channel_.exchange(MakeRequest("HEAD", "/v2/" + channel_.repo + "/blobs/" + d_.digest.str()));
    if (IsSuccess(head.status)) return true;
    if (chunked_ && !location_.empty()) {
      Query();
    } else {
      location_.clear();
    }
    return false;
  }

  // Fails on an answer that is neither a success nor worth another attempt
  // (`fail_what` names it); throws RetryableStatus on one that is.
  void Check(const HttpResponse& r, const std::string& what, const std::string& fail_what) {
    ThrowIfRetryable(r, what + ": ");
    if (!IsSuccess(r.status)) channel_.fail(r, fail_what);
  }

  // Follows the Location of an answer, when it gives one.
  void MoveTo(const HttpResponse& r) {
    if (!r.Header("location").empty()) location_ = ResolveUrl(location_, r.Header("location"));
  }

  void Start() {
    std::string url = "/v2/" + channel_.repo + "/blobs/uploads/";
    HttpRequest start = MakeRequest("POST", url);
    start.has_body = true;
    HttpResponse r = channel_.exchange(start);
    Check(r, "POST " + url, "POST " + url);
    if (r.Header("location").empty())
      Fail("registry {}: POST {}: no Location in the answer", channel_.registry, url);
    location_ = ResolveUrl(channel_.base_url + url, r.Header("location"));
    offset_ = 0;
  }

  // Asks the session how many bytes the registry holds.
  void Query() {
    HttpResponse r = channel_.exchange(MakeRequest("GET", location_));
    ThrowIfRetryable(r, "upload status: ");
    if (!IsSuccess(r.status)) {
      location_.clear();  // the session is gone (a restarted registry): start again
      return;
    }
    offset_ = RangeEnd(r.Header("range")).value_or(0);
    MoveTo(r);
  }

  void SendChunk(const std::string& chunk) {
    HttpRequest patch = MakeRequest("PATCH", location_);
    patch.headers.emplace_back("Content-Type", "application/octet-stream");
    patch.headers.emplace_back("Content-Range", std::to_string(offset_) + "-" +
                                                    std::to_string(offset_ + chunk.size() - 1));
    patch.has_body = true;
    patch.body = chunk;
    const uint64_t offset = offset_;
    patch.progress = [&](uint64_t sent, uint64_t) { progress_->Update(offset + sent); };
    HttpResponse r = channel_.exchange(patch);
    if (r.status == 416) {
      // The registry holds another length than we think: a fresh session.
      location_.clear();
      throw RetryableStatus{"PATCH: " + StatusText(r), std::nullopt};
    }
    Check(r, "PATCH", "PATCH " + channel_.repo + " upload");
    MoveTo(r);
    offset_ = RangeEnd(r.Header("range")).value_or(offset + chunk.size());
  }

  // The closing PUT (with the whole blob when it is small).
  void Finish() {
    HttpRequest put = MakeRequest("PUT", AddQuery(location_, "digest", d_.digest.str()));
    put.headers.emplace_back("Content-Type", "application/octet-stream");
    put.has_body = true;
    put.body = chunked_ ? std::string_view() : std::string_view(whole_);
    if (!chunked_) put.progress = [&](uint64_t sent, uint64_t) { progress_->Update(sent); };
    HttpResponse r = channel_.exchange(put);
    Check(r, "PUT", "PUT blob " + d_.digest.str());
  }

  const UploadChannel& channel_;
  const RegistryOptions& options_;
  const Descriptor& d_;
  const uint64_t size_;
  const bool chunked_;
  const std::string whole_;
  ChunkReader reader_;
  Progress* progress_ = nullptr;
  std::string location_;
  uint64_t offset_ = 0;
};

}  // namespace

std::optional<uint64_t> RangeEnd(const std::string& range) {
  std::string r = StartsWith(range, "bytes=") ? range.substr(6) : range;
  size_t dash = r.find('-');
  if (dash == std::string::npos || dash + 1 >= r.size()) return std::nullopt;
  char* end = nullptr;
  unsigned long long last = std::strtoull(r.c_str() + dash + 1, &end, 10);
  if (*end) return std::nullopt;
  return last + 1;
}

void UploadBlob(const UploadChannel& channel, const RegistryOptions& options,
                const Descriptor& d, const OciLayout& from, const std::string& location) {
  BlobUpload(channel, options, d, from, location).Run();
}

}  // namespace ocimake
