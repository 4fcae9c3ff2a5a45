#include "closure/closure.h"

#include <unistd.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/file_digest_cache.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "closure/root_path.h"

namespace ocimake {
namespace {

using testing::CopyTestFile;
using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

// The fixtures (plugin/testdata): app -> libmid.so.1 -> libleaf.so.1, all
// with /lib64/ld-linux-x86-64.so.2 as interpreter; app has RUNPATH
// $ORIGIN/../lib, app_rpath has RPATH /opt/rpath/lib, app_norunpath none.
class ClosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RootResolution r;
    ASSERT_TRUE(ResolveInRoot("/", "/lib64/ld-linux-x86-64.so.2", &r));
    CopyTestFile(r.path, root_ / "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    MakeSymlink("usr/lib", root_ / "lib");
    MakeSymlink("usr/lib64", root_ / "lib64");
    MakeSymlink("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                root_ / "usr/lib64/ld-linux-x86-64.so.2");
  }
  // Installs libmid and libleaf in `dir` of the root, with SONAME links.
  void InstallLibs(const std::string& dir) {
    CopyTestFile(FIXTURE_MID, root_ / (dir + "/libmid.so.1.0.0"));
    MakeSymlink("libmid.so.1.0.0", root_ / (dir + "/libmid.so.1"));
    CopyTestFile(FIXTURE_LEAF, root_ / (dir + "/libleaf.so.1.0.0"));
    MakeSymlink("libleaf.so.1.0.0", root_ / (dir + "/libleaf.so.1"));
  }
  std::vector<std::string> Paths(const ClosureResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.entries) out.push_back(e.path);
    return out;
  }
  ClosureResult Run(std::set<std::string> provided = {}) {
    ClosureRequest req;
    req.stage = stage_.path();
    req.root = root_.path();
    req.provided = std::move(provided);
    return ComputeClosure(req);
  }
  ScratchDir root_, stage_;
};

TEST_F(ClosureTest, FollowsLdSoConfAndKeepsSonameLinksAndLoaderPath) {
  CopyTestFile(FIXTURE_APP_NORUNPATH, stage_ / "usr/local/bin/app");
  InstallLibs("usr/lib/x86_64-linux-gnu");
  WriteTestFile(root_ / "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
  WriteTestFile(root_ / "etc/ld.so.conf.d/arch.conf", "# multiarch\n/lib/x86_64-linux-gnu\n");
  EXPECT_EQ(Paths(Run()), (std::vector<std::string>{
                              "lib",
                              "lib64",
                              "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                              "usr/lib/x86_64-linux-gnu/libleaf.so.1",
                              "usr/lib/x86_64-linux-gnu/libleaf.so.1.0.0",
                              "usr/lib/x86_64-linux-gnu/libmid.so.1",
                              "usr/lib/x86_64-linux-gnu/libmid.so.1.0.0",
                              "usr/lib64/ld-linux-x86-64.so.2",
                          }));
  ClosureResult r = Run();
  EXPECT_EQ(r.entries[0].source, root_ / "lib") << "sources are in the root, not the host";
  EXPECT_NE(std::find(r.inputs.begin(), r.inputs.end(), root_ / "etc/ld.so.conf.d/arch.conf"),
            r.inputs.end());
}

TEST_F(ClosureTest, RunpathOriginFindsLibrariesShippedInTheStage) {
  CopyTestFile(FIXTURE_APP, stage_ / "usr/local/bin/app");
  CopyTestFile(FIXTURE_MID, stage_ / "usr/local/lib/libmid.so.1");
  InstallLibs("opt/leaf");  // only leaf is needed from the root...
  WriteTestFile(root_ / "etc/ld.so.conf", "/opt/leaf\n");
  auto paths = Paths(Run());
  // ...libmid comes from the stage (it is in the app layer already).
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "opt/leaf/libmid.so.1"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "opt/leaf/libleaf.so.1"), 1);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "opt/leaf/libleaf.so.1.0.0"), 1);
}

TEST_F(ClosureTest, RpathIsSearched) {
  CopyTestFile(FIXTURE_APP_RPATH, stage_ / "usr/local/bin/app");
  InstallLibs("opt/rpath/lib");
  // libmid has no search path of its own: leaf is found through the default
  // directories... unless the root has it only under the rpath: then mid's
  // lookup fails, as ld.so's would (RPATH of the executable applies to it
  // too in glibc; ocimake follows the object's own, so put leaf in /lib).
  CopyTestFile(FIXTURE_LEAF, root_ / "usr/lib/libleaf.so.1");
  auto paths = Paths(Run());
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "opt/rpath/lib/libmid.so.1"), 1);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "usr/lib/libleaf.so.1"), 1);
}

TEST_F(ClosureTest, MissingLibraryNamesBinaryAndLibrary) {
  CopyTestFile(FIXTURE_APP_NORUNPATH, stage_ / "usr/local/bin/app");
  try {
    Run();
    FAIL() << "resolved a library that is not there";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("/usr/local/bin/app"), std::string::npos) << msg;
    EXPECT_NE(msg.find("libmid.so.1 not found"), std::string::npos) << msg;
  }
}

TEST_F(ClosureTest, LeavesOutWhatTheBaseProvides) {
  CopyTestFile(FIXTURE_APP_NORUNPATH, stage_ / "usr/local/bin/app");
  InstallLibs("usr/lib");
  auto paths = Paths(Run({"/usr/lib/libleaf.so.1", "/usr/lib/libleaf.so.1.0.0",
                          "/lib64/ld-linux-x86-64.so.2"}));
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "usr/lib/libmid.so.1.0.0"), 1);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "usr/lib/libleaf.so.1.0.0"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "usr/lib64/ld-linux-x86-64.so.2"), 0);
}

TEST(RootPathTest, SymlinksCannotLeaveTheRoot) {
  ScratchDir root;
  WriteTestFile(root / "etc/passwd", "inside");
  MakeSymlink("/etc", root / "localetc");
  MakeSymlink("../../../../etc", root / "up");
  RootResolution r;
  ASSERT_TRUE(ResolveInRoot(root.path(), "/localetc/passwd", &r));
  EXPECT_EQ(r.path, "/etc/passwd");
  ASSERT_TRUE(ResolveInRoot(root.path(), "/up/passwd", &r));
  EXPECT_EQ(r.path, "/etc/passwd");
  MakeSymlink("loop", root / "loop");
  EXPECT_THROW(ResolveInRoot(root.path(), "/loop/x", &r), Error);
}

// The closure's stamp of a tree changes with what the closure reads (an
// ELF file's content, a link, a file added) and not with a data file's
// edit.
TEST(ClosureStageStampTest, ChangesWithWhatTheClosureReadsOnly) {
  ScratchDir dir;
  std::string tree = dir / "stage";
  CopyTestFile(FIXTURE_APP, tree + "/bin/app");
  WriteTestFile(tree + "/share/data.txt", "one");
  MakeSymlink("app", tree + "/bin/alias");
  FileDigestCache digests(dir / "digests");
  auto stamp = [&] { return ClosureStageStamp(EntriesFromTree(tree), digests); };
  const std::string first = stamp();
  EXPECT_NE(first.find("o share/data.txt\n"), std::string::npos) << first;
  WriteTestFile(tree + "/share/data.txt", "a longer edit");
  EXPECT_EQ(stamp(), first);
  WriteTestFile(tree + "/share/more.txt", "");
  std::string added = stamp();
  EXPECT_NE(added, first);
  CopyTestFile(FIXTURE_MID, tree + "/share/more.txt");  // now an ELF file
  EXPECT_NE(stamp(), added);
  std::string elf = stamp();
  std::string app = ReadFile(tree + "/bin/app");
  WriteTestFile(tree + "/bin/app", app + "x", 0755);  // same file, other content
  EXPECT_NE(stamp(), elf);
  std::string edited = stamp();
  unlink((tree + "/bin/alias").c_str());
  MakeSymlink("../share/more.txt", tree + "/bin/alias");
  EXPECT_NE(stamp(), edited);
}

}  // namespace
}  // namespace ocimake
