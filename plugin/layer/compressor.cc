#include "layer/compressor.h"

#include <algorithm>
#include <thread>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "base/error.h"
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

namespace {

constexpr size_t kOutChunk = 256 * 1024;

class PassThrough : public Compressor {
 public:
  explicit PassThrough(Sink sink) : sink_(std::move(sink)) {}
  void Write(const char* data, size_t size) override { sink_(data, size); }
  void Finish() override {}

 private:
  Sink sink_;
};

class GzipCompressor : public Compressor {
 public:
  GzipCompressor(int level, Sink sink) : sink_(std::move(sink)), out_(kOutChunk) {
    // windowBits 15 + 16: a gzip wrapper whose header zlib fills with
    // mtime 0, no name, OS 3: the same bytes on every run.
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      Fail("gzip: cannot initialise zlib at level {}", level);
  }
  ~GzipCompressor() override { deflateEnd(&z_); }
  void Write(const char* data, size_t size) override { Run(data, size, Z_NO_FLUSH); }
  void Finish() override { Run(nullptr, 0, Z_FINISH); }

 private:
  void Run(const char* data, size_t size, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    for (;;) {
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) Fail("gzip: deflate failed");
      size_t produced = out_.size() - z_.avail_out;
      if (produced) sink_(reinterpret_cast<const char*>(out_.data()), produced);
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z_.avail_in == 0 && z_.avail_out != 0)
        break;
    }
  }
  z_stream z_{};
  Sink sink_;
  std::vector<unsigned char> out_;
};

class ZstdCompressor : public Compressor {
 public:
  ZstdCompressor(int level, Sink sink) : sink_(std::move(sink)), out_(ZSTD_CStreamOutSize()) {
    ctx_ = ZSTD_createCCtx();
    if (!ctx_ || ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level)))
      Fail("zstd: cannot initialise at level {}", level);
    // The frame records no content size (it is unknown while streaming) and
    // a checksum, as the zstd CLI does by default.
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1);
    // zstd's multi-threaded mode writes the same bytes for any number of
    // workers >= 1 (it cuts jobs by size, not by timing: `zstd -T1`, `-T2`
    // and `-T4` agree byte for byte), so every core is used without losing
    // reproducibility across machines.
    unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_nbWorkers, static_cast<int>(workers));
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

std::unique_ptr<Compressor> Compressor::Create(Compression c, int level, Sink sink) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipCompressor>(level, std::move(sink));
    case Compression::kZstd: return std::make_unique<ZstdCompressor>(level, std::move(sink));
    case Compression::kNone: return std::make_unique<PassThrough>(std::move(sink));
  }
  return nullptr;
}

}  // namespace ocimake
