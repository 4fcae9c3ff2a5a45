#include "layer/layer_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "base/error.h"

namespace ocimake {

namespace {

constexpr size_t kReadChunk = 256 * 1024;
constexpr size_t kPipeChunk = 1 << 20;
constexpr size_t kPipeDepth = 4;  // chunks in flight: bounds memory to ~4 MiB

mode_t NormalizedMode(mode_t st_mode) {
  if (S_ISDIR(st_mode)) return S_IFDIR | 0755;
  if (S_ISLNK(st_mode)) return S_IFLNK | 0777;
  // Only the owner-execute bit survives, as 0755 vs 0644: the result does
  // not depend on the umask the files were staged with.
  return S_IFREG | ((st_mode & S_IXUSR) ? 0755 : 0644);
}

// The one place an entry's metadata is decided.
void NormalizeEntry(archive_entry* e, const LayerEntry& entry, mode_t st_mode,
                    const LayerOptions& o) {
  archive_entry_set_pathname(e, entry.path.c_str());
  archive_entry_set_mode(e, NormalizedMode(st_mode));
  archive_entry_set_uid(e, o.uid);
  archive_entry_set_gid(e, o.gid);
  if (entry.owner && !S_ISLNK(st_mode)) {  // stated by the entry: kept as it is
    archive_entry_set_mode(e, (st_mode & S_IFMT) | (entry.owner->mode & 07777));
    archive_entry_set_uid(e, entry.owner->uid);
    archive_entry_set_gid(e, entry.owner->gid);
  }
  archive_entry_set_mtime(e, o.mtime, 0);
  archive_entry_unset_atime(e);
  archive_entry_unset_ctime(e);
  archive_entry_unset_birthtime(e);
}

class TarWriter {
 public:
  TarWriter(const LayerOptions& options, const ByteSink& sink)
      : options_(options), sink_(sink), archive_(archive_write_new()) {
    Check(archive_write_set_format_pax_restricted(archive_), "setting tar format");
    Check(archive_write_add_filter_none(archive_), "setting filter");
    // No block padding beyond the tar format's own: the stream ends with the
    // two zero records, whatever the block size.
    Check(archive_write_set_bytes_per_block(archive_, 0), "setting block size");
    Check(archive_write_open2(archive_, this, nullptr, &TarWriter::OnWrite, nullptr, nullptr),
          "opening tar stream");
  }
  ~TarWriter() { archive_write_free(archive_); }

  void Add(const LayerEntry& entry) {
    WithContext("adding " + entry.path, [&] { AddEntry(entry); });
  }

  void Close() {
    Check(archive_write_close(archive_), "closing tar stream");
    if (pending_) std::rethrow_exception(pending_);
  }

 private:
  static la_ssize_t OnWrite(archive*, void* self, const void* data, size_t size) {
    auto* w = static_cast<TarWriter*>(self);
    try {
      w->sink_(static_cast<const char*>(data), size);
      w->written_ += size;
      if (w->options_.progress) w->options_.progress(w->written_);
    } catch (...) {
      w->pending_ = std::current_exception();
      return -1;
    }
    return static_cast<la_ssize_t>(size);
  }

  void Check(int rc, const char* what) {
    if (pending_) std::rethrow_exception(pending_);
    if (rc < ARCHIVE_WARN) Fail("{}: {}", what, archive_error_string(archive_));
  }

  void AddEntry(const LayerEntry& entry) {
    archive_entry* e = archive_entry_new();
    struct Free {
      archive_entry* e;
      ~Free() { archive_entry_free(e); }
    } free_entry{e};
    if (entry.source.empty()) {  // an implied parent directory
      NormalizeEntry(e, entry, S_IFDIR | 0755, options_);
      Check(archive_write_header(archive_, e), "writing header");
      return;
    }
    struct stat st;
    if (lstat(entry.source.c_str(), &st) != 0) FailErrno("lstat " + entry.source);
    NormalizeEntry(e, entry, st.st_mode, options_);
    if (S_ISDIR(st.st_mode)) {
      Check(archive_write_header(archive_, e), "writing header");
    } else if (S_ISLNK(st.st_mode)) {
      archive_entry_set_symlink(e, ReadLink(entry.source).c_str());
      Check(archive_write_header(archive_, e), "writing header");
    } else if (S_ISREG(st.st_mode)) {
      AddRegular(e, entry, st);
    } else {
      Fail("{}: unsupported file type (only files, directories and symlinks)", entry.source);
    }
  }

  void AddRegular(archive_entry* e, const LayerEntry& entry, const struct stat& st) {
    if (st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto [it, first] = links_.emplace(key, entry.path);
      if (!first) {
        archive_entry_set_hardlink(e, it->second.c_str());
        archive_entry_set_size(e, 0);
        Check(archive_write_header(archive_, e), "writing header");
        return;
      }
    }
    archive_entry_set_size(e, st.st_size);
    int fd = open(entry.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) FailErrno("opening " + entry.source);
    struct Close {
      int fd;
      ~Close() { close(fd); }
    } close_fd{fd};
    Check(archive_write_header(archive_, e), "writing header");
    std::string& buf = buffer_;
    buf.resize(kReadChunk);
    int64_t left = st.st_size;
    while (left > 0) {
      ssize_t n = read(fd, buf.data(), std::min<int64_t>(left, kReadChunk));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) FailErrno("reading " + entry.source);
      if (n == 0) Fail("{}: file shrank while it was being packed", entry.source);
      if (archive_write_data(archive_, buf.data(), static_cast<size_t>(n)) != n)
        Check(ARCHIVE_FATAL, "writing data");
      left -= n;
    }
  }

  static std::string ReadLink(const std::string& path) {
    std::string target(4096, '\0');
    ssize_t n = readlink(path.c_str(), target.data(), target.size());
    if (n < 0) FailErrno("readlink " + path);
    target.resize(static_cast<size_t>(n));
    return target;
  }

  const LayerOptions& options_;
  const ByteSink& sink_;
  archive* archive_;
  std::exception_ptr pending_;
  uint64_t written_ = 0;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  std::string buffer_;
};

// A bounded single-producer single-consumer queue of byte chunks: the tar
// is produced and hashed on one thread while the other compresses, so the
// two halves of the work overlap as `tar | gzip` does.
class ChunkPipe {
 public:
  void Push(std::string chunk) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return chunks_.size() < kPipeDepth || aborted_; });
    if (aborted_) throw Error("layer writer: compression stopped");
    chunks_.push_back(std::move(chunk));
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    not_empty_.notify_one();
  }
  void Abort() {
    std::lock_guard<std::mutex> l(mu_);
    aborted_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  // False at the end of the stream.
  bool Pop(std::string* chunk) {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return !chunks_.empty() || closed_ || aborted_; });
    if (aborted_ || chunks_.empty()) return false;
    *chunk = std::move(chunks_.front());
    chunks_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::string> chunks_;
  bool closed_ = false, aborted_ = false;
};

}  // namespace

void WriteLayerTar(const EntryStream& entries, const LayerOptions& options,
                   const ByteSink& sink) {
  TarWriter tar(options, sink);
  entries([&](const LayerEntry& e) { tar.Add(e); });
  tar.Close();
}

void WriteLayerTar(const std::vector<LayerEntry>& entries, const LayerOptions& options,
                   const ByteSink& sink) {
  WriteLayerTar(ListStream(entries), options, sink);
}

namespace {

// Writes the tar into `pipe` in chunks of kPipeChunk (hashing it into
// `diff_id` when given), then closes the pipe.
void ProduceTar(const EntryStream& entries, const LayerOptions& options,
                Sha256* diff_id, ChunkPipe* pipe) {
  std::string chunk;
  chunk.reserve(kPipeChunk);
  WriteLayerTar(entries, options, [&](const char* p, size_t n) {
    if (diff_id) diff_id->Update(p, n);
    chunk.append(p, n);
    if (chunk.size() >= kPipeChunk) {
      pipe->Push(std::move(chunk));
      chunk = std::string();
      chunk.reserve(kPipeChunk);
    }
  });
  if (!chunk.empty()) pipe->Push(std::move(chunk));
  pipe->Close();
}

}  // namespace

LayerDescriptor WriteLayerBlob(const std::vector<LayerEntry>& entries,
                               const LayerOptions& options, const OciLayout& layout) {
  return WriteLayerBlob(ListStream(entries), options, layout);
}

LayerDescriptor WriteLayerBlob(const EntryStream& entries, const LayerOptions& options,
                               const OciLayout& layout) {
  int level = options.level < 0 ? DefaultLevel(options.compression) : options.level;
  auto blob = layout.NewBlobWriter();
  int jobs = options.jobs > 0 ? options.jobs : DefaultCompressionJobs();
  auto compressor = Compressor::Create(options.compression, level, jobs,
                                       [&](const char* p, size_t n) { blob->Write(p, n); });
  ChunkPipe pipe;
  std::exception_ptr consumer_error;
  std::thread consumer([&] {
    try {
      std::string chunk;
      while (pipe.Pop(&chunk)) compressor->Write(chunk.data(), chunk.size());
    } catch (...) {
      consumer_error = std::current_exception();
      pipe.Abort();
    }
  });

  // Uncompressed, the blob is the tar: its digest is the diff_id, and the
  // tar is hashed once (by the blob writer), not twice.
  const bool plain = options.compression == Compression::kNone;
  Sha256 diff_id;
  try {
    ProduceTar(entries, options, plain ? nullptr : &diff_id, &pipe);
  } catch (...) {
    pipe.Abort();
    consumer.join();
    if (consumer_error) std::rethrow_exception(consumer_error);
    throw;
  }
  consumer.join();
  if (consumer_error) std::rethrow_exception(consumer_error);
  compressor->Finish();

  LayerDescriptor out;
  out.descriptor = blob->Commit(LayerMediaType(options.compression));
  out.diff_id = plain ? out.descriptor.digest : diff_id.Finish();
  return out;
}

}  // namespace ocimake
