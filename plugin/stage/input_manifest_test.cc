#include "stage/input_manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteTestFile;

// Each kind of change an input can see is a change; nothing else is.
TEST(InputManifestTest, ChangedOnlyWhenAnInputChanged) {
  ScratchDir dir;
  WriteTestFile(dir / "a", "one");
  WriteTestFile(dir / "b", "two");
  std::string manifest = dir / "inputs";
  auto record = [&] { WriteInputManifest(manifest, {dir / "a", dir / "b", dir / "later"}); };
  auto changed = [&] { return CheckInputManifest(manifest).changed; };
  EXPECT_FALSE(CheckInputManifest(manifest).recorded);
  EXPECT_TRUE(changed());
  record();
  EXPECT_TRUE(CheckInputManifest(manifest).recorded);
  EXPECT_FALSE(changed());
  // An edit of the same size: only its time tells (set apart from the
  // recorded one explicitly; the kernel's clock may not have ticked).
  WriteTestFile(dir / "b", "tw0");
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (dir / "b").c_str(), times, 0), 0);
  EXPECT_TRUE(changed());
  record();
  chmod((dir / "a").c_str(), 0755);
  EXPECT_TRUE(changed());
  record();
  WriteTestFile(dir / "later", "");  // a missing input appeared
  EXPECT_TRUE(changed());
  record();
  unlink((dir / "a").c_str());
  EXPECT_TRUE(changed());
}

// A list long enough to be checked on several threads: a change is seen
// wherever it is, in a directory path or at the end of a list; a path
// ending in '/' is the directory.
TEST(InputManifestTest, AChangeIsSeenAnywhereInALongList) {
  ScratchDir dir;
  WriteTestFile(dir / "d/first", "");
  std::vector<std::string> paths = {dir / "d/", dir / "d/first"};
  for (int i = 0; i < 30000; ++i) paths.push_back(dir / fmt::format("missing/m{:05}", i));
  paths.push_back(dir / "zz-last");
  std::string manifest = dir / "inputs";
  WriteInputManifest(manifest, paths);
  EXPECT_FALSE(CheckInputManifest(manifest).changed);
  WriteTestFile(dir / "zz-last", "");
  EXPECT_TRUE(CheckInputManifest(manifest).changed);
  WriteInputManifest(manifest, paths);
  EXPECT_FALSE(CheckInputManifest(manifest).changed);
  WriteTestFile(dir / "missing/m15000", "");
  EXPECT_TRUE(CheckInputManifest(manifest).changed);
  WriteInputManifest(manifest, paths);
  WriteTestFile(dir / "d/second", "");  // the directory "d/" changed
  EXPECT_TRUE(CheckInputManifest(manifest).changed);
}

TEST(InputManifestTest, ADamagedManifestIsAnError) {
  ScratchDir dir;
  WriteTestFile(dir / "x", "");
  WriteInputManifest(dir / "inputs", {dir / "x"});
  std::string text = ReadFile(dir / "inputs");
  WriteTestFile(dir / "cut", text.substr(0, text.size() - 1));
  EXPECT_EQ(ErrorOf([&] { CheckInputManifest(dir / "cut"); }),
            dir / "cut" + ": truncated (a record without its NUL)");
  WriteTestFile(dir / "other", "x\n");
  EXPECT_EQ(ErrorOf([&] { CheckInputManifest(dir / "other"); }),
            dir / "other" +
                ": not an ocimake input manifest (expected a first record 'ocimake-inputs 1')");
}

}  // namespace
}  // namespace ocimake
