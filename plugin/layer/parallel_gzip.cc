#include "layer/parallel_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"

namespace ocimake {

namespace {

// Blocks in flight per worker: enough to keep every worker busy while the
// caller emits the oldest one, few enough to bound memory (each holds
// kGzipDictSize + kGzipBlockSize input and its output).
constexpr size_t kBlocksPerJob = 3;

struct Block {
  std::string input;       // the dictionary (dict bytes), then the block's own bytes
  size_t dict = 0;
  bool last = false;
  std::string output;      // raw deflate, ending on a byte boundary
  uLong crc = 0;           // CRC-32 of the block's own bytes
  std::string error;
  bool done = false;
  size_t size() const { return input.size() - dict; }
};

void InitRawDeflate(z_stream* z, int level) {
  *z = z_stream{};
  if (deflateInit2(z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    Fail("gzip: cannot initialise zlib at level {} (expected 0 to 9)", level);
}

// Deflates one block with `z` (re-used: deflateReset clears every trace of
// the previous block, so the output depends on the block alone).
void DeflateBlock(z_stream* z, Block* b) {
  auto* in = reinterpret_cast<Bytef*>(b->input.data());
  if (deflateReset(z) != Z_OK) Fail("gzip: deflateReset failed");
  if (b->dict && deflateSetDictionary(z, in, static_cast<uInt>(b->dict)) != Z_OK)
    Fail("gzip: deflateSetDictionary failed");
  z->next_in = in + b->dict;
  z->avail_in = static_cast<uInt>(b->size());
  const int flush = b->last ? Z_FINISH : Z_SYNC_FLUSH;
  b->output.resize(deflateBound(z, b->size()) + 64);
  size_t used = 0;
  for (;;) {
    z->next_out = reinterpret_cast<Bytef*>(b->output.data() + used);
    z->avail_out = static_cast<uInt>(b->output.size() - used);
    int rc = deflate(z, flush);
    if (rc == Z_STREAM_ERROR) Fail("gzip: deflate failed");
    used = b->output.size() - z->avail_out;
    if (flush == Z_FINISH ? rc == Z_STREAM_END : z->avail_out != 0) break;
    b->output.resize(b->output.size() * 2);
  }
  b->output.resize(used);
  b->crc = crc32(0L, in + b->dict, static_cast<uInt>(b->size()));
}

void PutLe32(std::string* out, uLong v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

class ParallelGzip : public Compressor {
 public:
  ParallelGzip(int level, int jobs, Sink sink)
      : sink_(std::move(sink)), streams_(static_cast<size_t>(std::max(1, jobs))) {
    for (auto& z : streams_) InitRawDeflate(&z, level);
    // The header zlib itself writes: no name, mtime 0, XFL from the level,
    // OS 3 (unix).
    const char xfl = level == 9 ? 2 : level < 2 ? 4 : 0;
    const char header[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, xfl, 3};
    sink_(header, sizeof header);
    pending_.reserve(kGzipDictSize + kGzipBlockSize);
    for (auto& z : streams_) workers_.emplace_back([this, &z] { Work(&z); });
  }
  ~ParallelGzip() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    for (auto& z : streams_) deflateEnd(&z);
  }

  void Write(const char* data, size_t size) override {
    while (size) {
      size_t take = std::min(size, dict_ + kGzipBlockSize - pending_.size());
      pending_.append(data, take);
      data += take;
      size -= take;
      if (pending_.size() == dict_ + kGzipBlockSize) Submit(false);
    }
  }

  void Finish() override {
    Submit(true);
    while (!inflight_.empty()) EmitOldest();
    std::string trailer;
    PutLe32(&trailer, crc_);
    PutLe32(&trailer, static_cast<uLong>(isize_ & 0xffffffffu));
    sink_(trailer.data(), trailer.size());
  }

 private:
  // Hands the pending block to the workers; the next block's dictionary is
  // this block's last kGzipDictSize bytes.
  void Submit(bool last) {
    auto b = std::make_shared<Block>();
    b->input = std::move(pending_);
    b->dict = dict_;
    b->last = last;
    dict_ = std::min(kGzipDictSize, b->size());
    pending_.assign(b->input, b->input.size() - dict_, dict_);
    pending_.reserve(dict_ + kGzipBlockSize);
    while (inflight_.size() >= kBlocksPerJob * streams_.size()) EmitOldest();
    {
      std::lock_guard<std::mutex> lock(mu_);
      todo_.push_back(b);
    }
    work_cv_.notify_one();
    inflight_.push_back(std::move(b));
  }

  // Waits for the oldest block in flight and writes it out.
  void EmitOldest() {
    std::shared_ptr<Block> b = std::move(inflight_.front());
    inflight_.pop_front();
    {
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, [&] { return b->done; });
    }
    if (!b->error.empty()) Fail("{}", b->error);
    sink_(b->output.data(), b->output.size());
    crc_ = crc32_combine(crc_, b->crc, static_cast<z_off_t>(b->size()));
    isize_ += b->size();
  }

  void Work(z_stream* z) {
    for (;;) {
      std::shared_ptr<Block> b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !todo_.empty(); });
        if (stop_) return;
        b = std::move(todo_.front());
        todo_.pop_front();
      }
      try {
        DeflateBlock(z, b.get());
      } catch (const std::exception& e) {
        b->error = e.what();
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        b->done = true;
      }
      done_cv_.notify_all();
    }
  }

  Sink sink_;
  std::vector<z_stream> streams_;  // one per worker; sized once, never moved
  std::vector<std::thread> workers_;
  std::string pending_;            // dictionary (dict_ bytes), then the block being filled
  size_t dict_ = 0;
  std::deque<std::shared_ptr<Block>> inflight_;  // in input order; caller's thread only
  uLong crc_ = crc32(0L, Z_NULL, 0);
  uint64_t isize_ = 0;

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<std::shared_ptr<Block>> todo_;
  bool stop_ = false;
};

}  // namespace

std::unique_ptr<Compressor> NewParallelGzip(int level, int jobs, Compressor::Sink sink) {
  return std::make_unique<ParallelGzip>(level, jobs, std::move(sink));
}

}  // namespace ocimake
