// Streaming compressors for layer blobs, both multi-threaded. Determinism:
// gzip is cut into fixed blocks (layer/parallel_gzip.h) and carries no name
// and a zero timestamp; zstd output has no dictionary id, a checksum, and the
// multi-threaded frame layout (always, even for one job), which is the same
// for any number of worker threads. So the bytes never depend on `jobs` or
// on the machine's cores. They do depend on the library version (zlib,
// libzstd); the uncompressed tar, and so the diff_id, never does.
// docs/reproducibility.md says so too.
#ifndef OCIMAKE_LAYER_COMPRESSOR_H_
#define OCIMAKE_LAYER_COMPRESSOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ocimake {

enum class Compression { kGzip, kZstd, kNone };

Compression ParseCompression(const std::string& name);  // "gzip", "zstd", "none"
std::string CompressionName(Compression c);
const char* LayerMediaType(Compression c);
int DefaultLevel(Compression c);  // gzip 6, zstd 3 (the CLI tools' defaults)

// The number of compression threads when none is given: $OCIMAKE_JOBS when
// set (a whole number from 1 to kMaxCompressionJobs), else the cores Ninja
// leaves free (the cores minus the 1-minute load average), at least 2.
constexpr int kMaxCompressionJobs = 256;
int DefaultCompressionJobs();
// Checks a --jobs / $OCIMAKE_JOBS value: 1..kMaxCompressionJobs.
int CheckCompressionJobs(int64_t jobs, const std::string& what);

// Compresses what Write() is given and hands the output to `sink`.
class Compressor {
 public:
  using Sink = std::function<void(const char* data, size_t size)>;
  virtual ~Compressor() = default;
  virtual void Write(const char* data, size_t size) = 0;
  virtual void Finish() = 0;
  // `jobs` worker threads (values below 1 count as 1); the output bytes are
  // the same for every value.
  static std::unique_ptr<Compressor> Create(Compression c, int level, int jobs, Sink sink);
};

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_COMPRESSOR_H_
