// Deterministic parallel gzip, as pigz does it: the input is cut into fixed
// blocks of kGzipBlockSize bytes; each block is raw-deflated on its own with
// the 32 KiB of input before it as the dictionary and ended with a sync flush
// (the last one with Z_FINISH), so the blocks concatenate into one deflate
// stream. The header is fixed (no name, mtime 0, OS "unix") and the trailer's
// CRC-32 is combined from the blocks' (crc32_combine). Block boundaries depend
// on input offsets only, never on timing or on Write() sizes, so the output is
// the same bytes for any number of threads on any machine (given one zlib
// version).
#ifndef OCIMAKE_LAYER_PARALLEL_GZIP_H_
#define OCIMAKE_LAYER_PARALLEL_GZIP_H_

#include <cstddef>
#include <memory>

#include "layer/compressor.h"

namespace ocimake {

constexpr size_t kGzipBlockSize = 128 * 1024;
constexpr size_t kGzipDictSize = 32 * 1024;

// A Compressor whose blocks are deflated by `jobs` worker threads (at least
// one); the caller's thread emits them in order. At most a few blocks per
// worker are in flight, so memory stays bounded whatever the input size.
std::unique_ptr<Compressor> NewParallelGzip(int level, int jobs, Compressor::Sink sink);

}  // namespace ocimake

#endif  // OCIMAKE_LAYER_PARALLEL_GZIP_H_
