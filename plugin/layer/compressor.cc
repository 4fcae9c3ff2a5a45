#include "layer/compressor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "base/error.h"
#include "base/strings.h"
#include "layer/parallel_gzip.h"
#include "oci/oci_types.h"

namespace ocimake {

Compression ParseCompression(const std::string& name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  if (name == "none") return Compression::kNone;
  Fail("unknown compression '{}': expected gzip, zstd or none", name);
}

std::string CompressionName(Compression c) {
  switch (c) {
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
    case Compression::kNone: return "none";
  }
  return "none";
}

const char* LayerMediaType(Compression c) {
  switch (c) {
    case Compression::kGzip: return media_type::kOciLayerGzip;
    case Compression::kZstd: return media_type::kOciLayerZstd;
    case Compression::kNone: return media_type::kOciLayer;
  }
  return media_type::kOciLayer;
}

int DefaultLevel(Compression c) { return c == Compression::kZstd ? 3 : 6; }

int CheckCompressionJobs(int64_t jobs, const std::string& what) {
  if (jobs < 1 || jobs > kMaxCompressionJobs)
    Fail("{} {}: expected a number of threads from 1 to {}", what, jobs, kMaxCompressionJobs);
  return static_cast<int>(jobs);
}

int DefaultCompressionJobs() {
  if (const char* env = std::getenv("OCIMAKE_JOBS"); env && *env) {
    if (!IsDecimal(env) || std::strlen(env) > 4)
      Fail("OCIMAKE_JOBS='{}': expected a number of threads from 1 to {}", Printable(env),
           kMaxCompressionJobs);
    return CheckCompressionJobs(std::atoi(env), "OCIMAKE_JOBS");
  }
  // Ninja keeps the load near its job count; what is left is ours.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double load = 0;
  if (getloadavg(&load, 1) != 1) load = 0;
  return std::max(2, static_cast<int>(cores - load));
}

namespace {

class PassThrough : public Compressor {
 public:
  explicit PassThrough(Sink sink) : sink_(std::move(sink)) {}
  void Write(const char* data, size_t size) override { sink_(data, size); }
  void Finish() override {}

 private:
  Sink sink_;
};

class ZstdCompressor : public Compressor {
 public:
  ZstdCompressor(int level, int jobs, Sink sink)
      : sink_(std::move(sink)), out_(ZSTD_CStreamOutSize()) {
    ctx_ = ZSTD_createCCtx();
    if (!ctx_ || ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level)))
      Fail("zstd: cannot initialise at level {}", level);
    // The frame records no content size (it is unknown while streaming) and
    // a checksum, as the zstd CLI does by default.
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1);
    // zstd's multi-threaded mode writes the same bytes for any number of
    // workers >= 1 (it cuts jobs by size, not by timing: `zstd -T1`, `-T2`
    // and `-T4` agree byte for byte), but not the bytes of the
    // single-threaded mode (nbWorkers 0). So always at least one worker:
    // the digest never depends on the core count.
    if (ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_nbWorkers, std::max(1, jobs))))
      Fail("zstd: this libzstd has no multi-threading (needed for reproducible output)");
    // A fixed job size (not zstd's level-dependent default) bounds the
    // memory each worker holds; it is part of what fixes the output bytes.
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_jobSize, 2 << 20);
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }
  void Write(const char* data, size_t size) override { Run(data, size, ZSTD_e_continue); }
  void Finish() override { Run(nullptr, 0, ZSTD_e_end); }

 private:
  void Run(const char* data, size_t size, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data, size, 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(remaining)) Fail("zstd: {}", ZSTD_getErrorName(remaining));
      if (out.pos) sink_(out_.data(), out.pos);
      if (mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size) break;
    }
  }
  ZSTD_CCtx* ctx_ = nullptr;
  Sink sink_;
  std::vector<char> out_;
};

}  // namespace

std::unique_ptr<Compressor> Compressor::Create(Compression c, int level, int jobs, Sink sink) {
  switch (c) {
    case Compression::kGzip: return NewParallelGzip(level, jobs, std::move(sink));
    case Compression::kZstd: return std::make_unique<ZstdCompressor>(level, jobs, std::move(sink));
    case Compression::kNone: return std::make_unique<PassThrough>(std::move(sink));
  }
  return nullptr;
}

}  // namespace ocimake
