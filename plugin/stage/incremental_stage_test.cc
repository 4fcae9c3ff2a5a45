#include "stage/incremental_stage.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

// A staging tree `out` in `dir` staged once afresh: app (recorded),
// code.txt (unrecorded: install(CODE) that writes only when different),
// empty/ (an empty directory), old/gone.txt (recorded then, not later).
struct Staged {
  explicit Staged(const ScratchDir& dir) : out(dir / "stage") {
    TempDir temp(dir.path(), ".stage-");
    WriteTestFile(temp.path() + "/usr/bin/app", "app");
    WriteTestFile(temp.path() + "/usr/share/code.txt", "code");
    WriteTestFile(temp.path() + "/usr/share/old/gone.txt", "gone");
    MakeDirs(temp.path() + "/usr/empty");
    IncrementalStage fresh(out);
    EXPECT_FALSE(fresh.Seed(temp));
    EXPECT_TRUE(fresh.Prune(temp.path(), {"/usr/bin/app", "/usr/share/old/gone.txt"}, "v1"));
    EXPECT_EQ(fresh.removed(), 0u);
    EXPECT_EQ(rename(temp.path().c_str(), out.c_str()), 0);
    temp.Release();
    fresh.Commit();
    usleep(50 * 1000);  // what the next run writes has a later ctime
  }
  std::string out;
};

// What the install no longer records goes; what it records, what it wrote
// during the run and what a fresh install left unrecorded stay.
TEST(IncrementalStageTest, RemovesOnlyWhatIsNoLongerInstalled) {
  ScratchDir dir;
  Staged staged(dir);
  TempDir temp(dir.path(), ".stage-");
  IncrementalStage reuse(staged.out);
  ASSERT_TRUE(reuse.Seed(temp));
  EXPECT_FALSE(PathExists(staged.out));
  WriteTestFile(temp.path() + "/usr/share/written.txt", "install(CODE) file(WRITE)");
  ASSERT_TRUE(reuse.Prune(temp.path(), {"/usr/bin/app"}, "v1"));
  EXPECT_TRUE(PathExists(temp.path() + "/usr/bin/app"));
  EXPECT_TRUE(PathExists(temp.path() + "/usr/share/code.txt"));
  EXPECT_TRUE(PathExists(temp.path() + "/usr/share/written.txt"));
  EXPECT_TRUE(IsDirectory(temp.path() + "/usr/empty"));
  EXPECT_FALSE(PathExists(temp.path() + "/usr/share/old"));
  EXPECT_EQ(reuse.removed(), 2u);  // old/gone.txt and old/
}

// Changed install scripts: an entry only the state would keep cannot be
// told from a stale one, so nothing is removed and a fresh install is asked
// for; the Prune after it keeps everything.
TEST(IncrementalStageTest, ChangedScriptsAskForAFreshInstall) {
  ScratchDir dir;
  Staged staged(dir);
  TempDir temp(dir.path(), ".stage-");
  IncrementalStage reuse(staged.out);
  ASSERT_TRUE(reuse.Seed(temp));
  EXPECT_FALSE(reuse.Prune(temp.path(), {"/usr/bin/app"}, "v2"));
  EXPECT_TRUE(PathExists(temp.path() + "/usr/share/old/gone.txt"));
  EXPECT_TRUE(reuse.Prune(temp.path(), {"/usr/bin/app"}, "v2"));
  EXPECT_EQ(reuse.removed(), 0u);
}

// Changed scripts whose removals the records explain: pruned as usual.
TEST(IncrementalStageTest, ChangedScriptsPruneWhatTheRecordsExplain) {
  ScratchDir dir;
  Staged staged(dir);
  TempDir temp(dir.path(), ".stage-");
  IncrementalStage reuse(staged.out);
  ASSERT_TRUE(reuse.Seed(temp));
  RemoveTree(temp.path() + "/usr/share/code.txt");
  RemoveTree(temp.path() + "/usr/empty");
  ASSERT_TRUE(reuse.Prune(temp.path(), {"/usr/bin/app"}, "v2"));
  EXPECT_FALSE(PathExists(temp.path() + "/usr/share/old"));
  EXPECT_TRUE(PathExists(temp.path() + "/usr/bin/app"));
}

// No state (a failed run removed it, an older ocimake wrote none): no reuse.
TEST(IncrementalStageTest, NoStateNoReuse) {
  ScratchDir dir;
  Staged staged(dir);
  RemoveFileIfExists(dir / ".stage.state");
  TempDir temp(dir.path(), ".stage-");
  IncrementalStage reuse(staged.out);
  EXPECT_FALSE(reuse.Seed(temp));
  EXPECT_TRUE(PathExists(staged.out + "/usr/bin/app"));
}

}  // namespace
}  // namespace ocimake
