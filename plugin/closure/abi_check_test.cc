#include "closure/abi_check.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/test_support.h"
#include "closure/elf_info.h"
#include "closure/root_path.h"

namespace ocimake {
namespace {

using testing::CopyTestFile;
using testing::MakeSymlink;
using testing::ScratchDir;

constexpr char kLibDir[] = "usr/lib/x86_64-linux-gnu";

// The fixtures (plugin/closure/testdata): vapp needs v_old@GLIBC_2.2.5 and
// v_new@GLIBC_2.34 of libv.so.6; the new libv defines GLIBC_2.2.5 and
// GLIBC_2.34, the old one GLIBC_2.2.5, GLIBC_2.3 and GLIBC_2.17.
class AbiCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RootResolution r;
    ASSERT_TRUE(ResolveInRoot("/", "/lib64/ld-linux-x86-64.so.2", &r));
    CopyTestFile(r.path, root_ / "lib64/ld-linux-x86-64.so.2");
    CopyTestFile(FIXTURE_VLIB_NEW, root_ / (std::string(kLibDir) + "/libv.so.6"));
    CopyTestFile(FIXTURE_VAPP, stage_ / "usr/local/bin/app");
  }
  // The base's root filesystem, with libv.so.6 a link to the `lib` build
  // (as libc.so.6 -> libc-2.31.so on older Debian).
  void MakeBase(const std::string& lib) {
    CopyTestFile(lib, base_ / (std::string(kLibDir) + "/libv-2.31.so"));
    MakeSymlink("libv-2.31.so", base_ / (std::string(kLibDir) + "/libv.so.6"));
  }
  ClosureResult Closure() {
    ClosureRequest req;
    req.stage = stage_.path();
    req.root = root_.path();
    req.provided = {"/lib64/ld-linux-x86-64.so.2", "/" + std::string(kLibDir) + "/libv.so.6"};
    return ComputeClosure(req);
  }
  ScratchDir root_, stage_, base_;
};

TEST(ElfVersionsTest, ReadsNeedsAndDefinitions) {
  ElfVersions app = ReadElfVersions(FIXTURE_VAPP);
  ASSERT_EQ(app.needs.size(), 2u);
  std::set<std::string> needed;
  for (const auto& n : app.needs) {
    EXPECT_EQ(n.file, "libv.so.6");
    EXPECT_FALSE(n.weak);
    needed.insert(n.version);
  }
  EXPECT_EQ(needed, (std::set<std::string>{"GLIBC_2.2.5", "GLIBC_2.34"}));
  EXPECT_TRUE(app.defined.empty());
  // The entry naming the file itself (VER_FLG_BASE) is not a version.
  EXPECT_EQ(ReadElfVersions(FIXTURE_VLIB_OLD).defined,
            (std::vector<std::string>{"GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.17"}));
  EXPECT_TRUE(ReadElfVersions(FIXTURE_VLIB_OLD).needs.empty());
}

TEST(ElfVersionsTest, VersionsCompareByTheirNumbers) {
  EXPECT_TRUE(VersionLess("GLIBC_2.4", "GLIBC_2.34"));
  EXPECT_TRUE(VersionLess("GLIBC_2.2.5", "GLIBC_2.3"));
  EXPECT_TRUE(VersionLess("GLIBCXX_3.4.9", "GLIBCXX_3.4.30"));
  EXPECT_FALSE(VersionLess("GLIBC_2.34", "GLIBC_2.34"));
  EXPECT_FALSE(VersionLess("CXXABI_1.3.13", "CXXABI_1.3.9"));
}

TEST_F(AbiCheckTest, TheClosureRecordsWhatTheBaseProvides) {
  ClosureResult r = Closure();
  ASSERT_EQ(r.objects.size(), 1u);  // the loader and libv are the base's
  EXPECT_EQ(r.objects[0].image_path, "/usr/local/bin/app");
  EXPECT_TRUE(r.objects[0].staged);
  std::map<std::string, std::string> want{{"libv.so.6", "/usr/lib/x86_64-linux-gnu/libv.so.6"}};
  EXPECT_EQ(r.objects[0].from_base, want);
  EXPECT_TRUE(NeedsBaseLibraries(r.objects));
}

TEST_F(AbiCheckTest, AnOlderBaseLibraryFailsNamingFileLibraryAndVersions) {
  MakeBase(FIXTURE_VLIB_OLD);
  EXPECT_EQ(FindAbiMismatch(Closure().objects, base_.path()),
            "/usr/local/bin/app needs GLIBC_2.34 of libv.so.6, but the base's libv.so.6 has "
            "at most GLIBC_2.17 (build with an older toolchain, use a newer base, or "
            "ABI_CHECK OFF)");
}

TEST_F(AbiCheckTest, AMatchingBaseLibraryPasses) {
  MakeBase(FIXTURE_VLIB_NEW);
  EXPECT_EQ(FindAbiMismatch(Closure().objects, base_.path()), "");
}

TEST_F(AbiCheckTest, ALibraryTheImageShipsIsNotChecked) {
  // The image's own (old) libv.so.6 comes first: nothing is the base's.
  CopyTestFile(FIXTURE_VLIB_OLD, stage_ / (std::string(kLibDir) + "/libv.so.6"));
  ClosureResult r = Closure();
  EXPECT_FALSE(NeedsBaseLibraries(r.objects));
  EXPECT_EQ(FindAbiMismatch(r.objects, base_.path()), "");
}

TEST_F(AbiCheckTest, ABaseLibraryMissingFromTheRootfsFailsNamingIt) {
  std::string error = testing::ErrorOf([&] { FindAbiMismatch(Closure().objects, base_.path()); });
  EXPECT_NE(error.find("/usr/local/bin/app: the base's /usr/lib/x86_64-linux-gnu/libv.so.6"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace ocimake
