// Streaming compressors for layer blobs. Determinism: gzip output carries no
// name and a zero timestamp (zlib's own header, OS byte "unix"); zstd output
// has no dictionary id, a checksum, and the multi-threaded frame layout, which
// is the same for any number of worker threads. The compressed bytes depend
// on the library version (zlib, libzstd); the uncompressed tar, and so the
// diff_id, never does. docs/reproducibility.md says so too.
#ifndef OCIMAKE_LAYER_COMPRESSOR_H_
#define OCIMAKE_LAYER_COMPRESSOR_H_

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

// Compresses what Write() is given and hands the output to `sink`.
class Compressor {
 public:
  using Sink = std::function<void(const char* data, size_t size)>;
  virtual ~Compressor() = default;
  virtual void Write(const char* data, size_t size) = 0;
  virtual void Finish() = 0;
  static std::unique_ptr<Compressor> Create(Compression c, int level, Sink sink);
};

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_COMPRESSOR_H_
