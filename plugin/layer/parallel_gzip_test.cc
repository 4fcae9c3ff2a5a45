#include "layer/parallel_gzip.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/subprocess.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

// Compresses `input` in Write() calls of `chunk` bytes.
std::string Compress(Compression c, const std::string& input, int jobs, size_t chunk = 65536) {
  std::string out;
  auto z = Compressor::Create(c, DefaultLevel(c), jobs,
                              [&](const char* p, size_t n) { out.append(p, n); });
  for (size_t at = 0; at < input.size(); at += chunk)
    z->Write(input.data() + at, std::min(chunk, input.size() - at));
  z->Finish();
  return out;
}

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the gzip member";
  inflateEnd(&z);
  return out;
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Text that compresses well and repeats across block boundaries, so the
// dictionary matters.
std::string CompressibleBytes(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) s += "#include <header_" + std::to_string(i % 977) + ".h>\n";
  s.resize(n);
  return s;
}

std::vector<std::pair<std::string, std::string>> Inputs() {
  return {
      {"empty", ""},
      {"one byte", "x"},
      {"random", RandomBytes(3 * kGzipBlockSize + 12345, 1)},
      {"compressible", CompressibleBytes(5 * kGzipBlockSize + 777)},
      {"exact blocks", CompressibleBytes(4 * kGzipBlockSize)},
      {"mixed", CompressibleBytes(300000) + RandomBytes(400000, 2) + CompressibleBytes(200000)},
  };
}

TEST(ParallelGzip, SameBytesForAnyJobsAndRoundTrips) {
  for (const auto& [name, input] : Inputs()) {
    SCOPED_TRACE(name);
    std::string one = Compress(Compression::kGzip, input, 1);
    for (int jobs : {2, 3, 8}) EXPECT_EQ(Compress(Compression::kGzip, input, jobs), one) << jobs;
    // Write() sizes do not move block boundaries.
    EXPECT_EQ(Compress(Compression::kGzip, input, 3, 1000), one);
    EXPECT_EQ(Compress(Compression::kGzip, input, 2, 1 << 20), one);
    EXPECT_EQ(Gunzip(one), input);
    // The fixed header: no name, mtime 0, XFL 0 (level 6), OS unix.
    EXPECT_EQ(one.substr(0, 10), std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10));
  }
}

TEST(ParallelGzip, CompressesAsWellAsOneStream) {
  std::string input = CompressibleBytes(2 << 20);
  std::string gz = Compress(Compression::kGzip, input, 2);
  uLongf bound = compressBound(input.size());
  std::string plain(bound, '\0');
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(plain.data()), &bound,
                      reinterpret_cast<const Bytef*>(input.data()), input.size(), 6),
            Z_OK);
  // The dictionary keeps the blocks nearly as small as one zlib stream.
  EXPECT_LT(gz.size(), bound * 11 / 10 + 64) << gz.size() << " vs " << bound;
}

TEST(ParallelGzip, GzipToolAcceptsIt) {
  ScratchDir dir;
  for (const auto& [name, input] : Inputs()) {
    SCOPED_TRACE(name);
    WriteTestFile(dir / "in", input);
    WriteTestFile(dir / "in.gz", Compress(Compression::kGzip, input, 3));
    ProcessResult t = RunProcess({"gzip", "-t", dir / "in.gz"}, {}, true);
    EXPECT_EQ(t.status, 0) << t.output;
    ProcessResult d = RunProcess({"sh", "-c", "gzip -dc " + (dir / "in.gz") + " | cmp - " +
                                                  (dir / "in")},
                                 {}, true);
    EXPECT_EQ(d.status, 0) << d.output;
  }
}

TEST(ParallelGzip, BadLevelIsAnError) {
  EXPECT_THROW(NewParallelGzip(12, 2, [](const char*, size_t) {}), Error);
}

std::string Unzstd(const std::string& in) {
  std::string out(16 << 20, '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// zstd's multi-threaded frames are the same for any nbWorkers >= 1 (and
// differ from its single-threaded mode, which is never used): jobs 0 counts
// as 1.
TEST(ZstdCompressor, SameBytesForAnyJobsAndRoundTrips) {
  for (const auto& [name, input] : Inputs()) {
    SCOPED_TRACE(name);
    std::string one = Compress(Compression::kZstd, input, 1);
    for (int jobs : {0, 2, 3, 8}) EXPECT_EQ(Compress(Compression::kZstd, input, jobs), one) << jobs;
    EXPECT_EQ(Compress(Compression::kZstd, input, 2, 1000), one);
    EXPECT_EQ(Unzstd(one), input);
  }
  // Larger than a zstd job (2 MiB), so several workers really share it.
  std::string big = CompressibleBytes(5 << 20) + RandomBytes(3 << 20, 3);
  std::string one = Compress(Compression::kZstd, big, 1);
  EXPECT_EQ(Compress(Compression::kZstd, big, 4), one);
  EXPECT_EQ(Unzstd(one), big);
}

class JobsEnv {
 public:
  explicit JobsEnv(const char* value) {
    if (value) setenv("OCIMAKE_JOBS", value, 1); else unsetenv("OCIMAKE_JOBS");
  }
  ~JobsEnv() { unsetenv("OCIMAKE_JOBS"); }
};

TEST(CompressionJobs, DefaultFromEnvironmentOrFreeCores) {
  {
    JobsEnv env("3");
    EXPECT_EQ(DefaultCompressionJobs(), 3);
  }
  for (const char* bad : {"0", "-1", "two", "3x", "100000"}) {
    JobsEnv env(bad);
    EXPECT_THROW(DefaultCompressionJobs(), Error) << bad;
  }
  JobsEnv unset(nullptr);
  EXPECT_GE(DefaultCompressionJobs(), 2);
  EXPECT_THROW(CheckCompressionJobs(0, "--jobs"), Error);
  EXPECT_EQ(CheckCompressionJobs(4, "--jobs"), 4);
}

}  // namespace
}  // namespace ocimake
