#include "base/file_digest_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>

#include "base/digest.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

// Puts the file's mtime `seconds_ago` in the past (out of the racy window).
void AgeFile(const std::string& path, time_t seconds_ago, long nsec = 0) {
  struct timespec times[2] = {{time(nullptr) - seconds_ago, nsec},
                              {time(nullptr) - seconds_ago, nsec}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

struct stat Lstat(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0);
  return st;
}

// One run: the digest of `file` through a cache read from and saved to `cache`.
std::string RunOnce(const std::string& cache, const std::string& file, size_t* hits) {
  FileDigestCache digests(cache);
  std::string hex = digests.DigestOf(file, Lstat(file));
  digests.Save();
  *hits = digests.hits();
  return hex;
}

TEST(FileDigestCacheTest, AnUnchangedFileIsNotReadAgain) {
  ScratchDir dir;
  WriteTestFile(dir / "f", "one");
  AgeFile(dir / "f", 60);
  size_t hits = 0;
  EXPECT_EQ(RunOnce(dir / "cache", dir / "f", &hits), Digest::Of("one").hex());
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(RunOnce(dir / "cache", dir / "f", &hits), Digest::Of("one").hex());
  EXPECT_EQ(hits, 1u);
}

TEST(FileDigestCacheTest, AnEditIsSeenEvenWithTheSameSize) {
  ScratchDir dir;
  WriteTestFile(dir / "f", "one");
  AgeFile(dir / "f", 60);
  size_t hits = 0;
  RunOnce(dir / "cache", dir / "f", &hits);
  WriteTestFile(dir / "f", "two");  // same size, mtime moves
  AgeFile(dir / "f", 30);
  EXPECT_EQ(RunOnce(dir / "cache", dir / "f", &hits), Digest::Of("two").hex());
  EXPECT_EQ(hits, 0u);
  WriteTestFile(dir / "f", "six");  // only the nanoseconds differ
  AgeFile(dir / "f", 30, 1);
  EXPECT_EQ(RunOnce(dir / "cache", dir / "f", &hits), Digest::Of("six").hex());
  EXPECT_EQ(hits, 0u);
}

TEST(FileDigestCacheTest, AFileWithinTheRacyWindowIsNotKept) {
  ScratchDir dir;
  WriteTestFile(dir / "f", "new");  // mtime now: it could still change this tick
  size_t hits = 0;
  RunOnce(dir / "cache", dir / "f", &hits);
  RunOnce(dir / "cache", dir / "f", &hits);
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(ReadFile(dir / "cache", 1 << 20), "ocimake-file-digests 2\n");
}

TEST(FileDigestCacheTest, ADamagedCacheIsIgnored) {
  ScratchDir dir;
  WriteTestFile(dir / "f", "one");
  AgeFile(dir / "f", 60);
  size_t hits = 0;
  RunOnce(dir / "cache", dir / "f", &hits);
  std::string good = ReadFile(dir / "cache", 1 << 20);
  std::string fields = good.substr(good.find('\n') + 66);  // after the sha256
  for (std::string bad : {std::string("not a cache\n"), good.substr(0, good.size() / 2),
                          "ocimake-file-digests 2\nabc " + fields,
                          good.substr(0, good.find('\n') + 66) + "zz" + fields.substr(8),
                          "ocimake-file-digests 1\n" + good.substr(good.find('\n') + 1)}) {
    WriteTestFile(dir / "cache", bad);
    EXPECT_EQ(RunOnce(dir / "cache", dir / "f", &hits), Digest::Of("one").hex()) << bad;
    EXPECT_EQ(hits, 0u) << bad;
  }
}

// A file's first bytes come with its digest, from the cache when it did
// not change: the stage finds its ELF files without opening each one.
TEST(FileDigestCacheTest, TheFirstBytesAreKeptWithTheDigest) {
  ScratchDir dir;
  WriteTestFile(dir / "elf", std::string("\x7f" "ELF\x02\x01", 6));
  WriteTestFile(dir / "short", "ab");
  WriteTestFile(dir / "empty", "");
  for (const char* f : {"elf", "short", "empty"}) AgeFile(dir / f, 60);
  for (int run = 0; run < 2; ++run) {
    FileDigestCache digests(dir / "cache");
    EXPECT_EQ(digests.HeadOf(dir / "elf", Lstat(dir / "elf")), "\x7f" "ELF");
    EXPECT_EQ(digests.HeadOf(dir / "short", Lstat(dir / "short")), "ab");
    EXPECT_EQ(digests.HeadOf(dir / "empty", Lstat(dir / "empty")), "");
    EXPECT_EQ(digests.DigestOf(dir / "elf", Lstat(dir / "elf")),
              Digest::Of(std::string("\x7f" "ELF\x02\x01", 6)).hex());
    EXPECT_EQ(digests.hits(), run == 0 ? 0u : 3u);  // the second ask is this run's
    digests.Save();
  }
}

}  // namespace
}  // namespace ocimake
