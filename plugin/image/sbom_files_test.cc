#include "image/sbom_files.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteTestFile;

// A root whose dpkg database has libc6 (listing libc.so.6 under /lib) and
// ca-certificates (listing /etc/ssl/certs, not the bundle its script makes).
class AssignPackagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTestFile(root_ / "var/lib/dpkg/status",
                  "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
                  "Version: 2.36-9\n\nPackage: ca-certificates\nStatus: install ok installed\n"
                  "Architecture: all\nVersion: 20230311\n");
    WriteTestFile(root_ / "var/lib/dpkg/info/libc6:amd64.list",
                  "/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n");
    WriteTestFile(root_ / "var/lib/dpkg/info/ca-certificates.list", "/etc/ssl/certs\n");
    origins_.root = root_.path();
  }
  SbomFile File(const std::string& path) { return {path, Digest::Of(path), "00", ""}; }
  void FromClosure(const std::string& path) { origins_.closure.push_back({path, "/" + path}); }

  ScratchDir root_;
  SbomOrigins origins_;
};

TEST_F(AssignPackagesTest, ClosureLibrariesGoToTheirPackagesTheRestToTheProject) {
  FromClosure("usr/lib/x86_64-linux-gnu/libc.so.6");
  FromClosure("usr/local/lib/libown.so.1");
  std::vector<SbomFile> files = {File("usr/lib/x86_64-linux-gnu/libc.so.6"),
                                 File("usr/local/lib/libown.so.1"), File("usr/local/bin/app")};
  auto packages = AssignPackages(DpkgIndex::Read(root_.path()), origins_, &files);
  ASSERT_EQ(packages.size(), 1u);
  EXPECT_EQ(packages[0].name, "libc6");
  EXPECT_EQ(packages[0].version, "2.36-9");
  EXPECT_EQ(files[0].package, "libc6");
  EXPECT_EQ(files[1].package, "");  // the project's own library
  EXPECT_EQ(files[2].package, "");
}

TEST_F(AssignPackagesTest, AClosureFileNoPackageOwnsFailsNamingIt) {
  FromClosure("usr/lib/x86_64-linux-gnu/gconv/README");
  std::vector<SbomFile> files = {File("usr/lib/x86_64-linux-gnu/gconv/README")};
  std::string error =
      ErrorOf([&] { AssignPackages(DpkgIndex::Read(root_.path()), origins_, &files); });
  EXPECT_NE(error.find("/usr/lib/x86_64-linux-gnu/gconv/README"), std::string::npos) << error;
}

TEST_F(AssignPackagesTest, AGeneratedRuntimeFileGoesToTheRuntimePackageOfItsDirectory) {
  origins_.runtime.push_back({"etc/ssl/certs/ca-certificates.crt", "/x"});
  origins_.runtime_packages = {"ca-certificates"};
  std::vector<SbomFile> files = {File("etc/ssl/certs/ca-certificates.crt")};
  auto packages = AssignPackages(DpkgIndex::Read(root_.path()), origins_, &files);
  EXPECT_EQ(files[0].package, "ca-certificates");
  origins_.runtime_packages = {"tzdata"};
  EXPECT_NE(ErrorOf([&] { AssignPackages(DpkgIndex::Read(root_.path()), origins_, &files); })
                .find("RUNTIME_PACKAGES"),
            std::string::npos);
}

TEST_F(AssignPackagesTest, WithoutADpkgDatabaseEveryFileIsTheProjects) {
  ScratchDir bare;
  FromClosure("usr/lib/libc.so.6");
  std::vector<SbomFile> files = {File("usr/lib/libc.so.6")};
  EXPECT_TRUE(AssignPackages(DpkgIndex::Read(bare.path()), origins_, &files).empty());
  EXPECT_EQ(files[0].package, "");
}

std::vector<LayerFileRecord> Records() {
  LayerFileRecord file{'f', "usr/bin/a b", "", Digest::Of("a"), std::string(40, '1')};
  LayerFileRecord link{'h', "usr/bin/c", "usr/bin/a b", {}, ""};
  LayerFileRecord odd{'f', "etc/new\nline", "", Digest::Of("n"), std::string(40, '2')};
  return {file, link, odd, {'w', "etc/gone", "", {}, ""}, {'o', "", "", {}, ""}};
}

bool Same(const std::vector<LayerFileRecord>& a, const std::vector<LayerFileRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].path != b[i].path || a[i].link != b[i].link ||
        a[i].sha256 != b[i].sha256 || a[i].sha1 != b[i].sha1)
      return false;
  return true;
}

TEST(LayerFilesCacheTest, KeepsTheLayersOfTheLastRunOnly) {
  ScratchDir dir;
  Digest one = Digest::Of("layer 1"), two = Digest::Of("layer 2");
  {
    LayerFilesCache cache(dir / "cache");
    EXPECT_EQ(cache.Find(one), nullptr);
    cache.Put(one, Records());
    cache.Put(two, {});
    cache.Save();
  }
  {
    LayerFilesCache cache(dir / "cache");
    ASSERT_NE(cache.Find(one), nullptr);
    EXPECT_TRUE(Same(*cache.Find(one), Records()));
    EXPECT_EQ(cache.hits(), 1u);
    cache.Save();  // layer 2 was not asked for: dropped
  }
  LayerFilesCache cache(dir / "cache");
  EXPECT_NE(cache.Find(one), nullptr);
  EXPECT_EQ(cache.Find(two), nullptr);
}

TEST(LayerFilesCacheTest, ADamagedCacheIsIgnored) {
  ScratchDir dir;
  LayerFilesCache first(dir / "cache");
  first.Put(Digest::Of("layer"), Records());
  first.Save();
  std::string good = ReadFile(dir / "cache", 1 << 20);
  for (const std::string& bad : {good.substr(0, good.size() - 3), good + "junk",
                                 std::string("ocimake-sbom-layers 1\nlayer sha256:zz 1\n"),
                                 std::string("x")}) {
    WriteTestFile(dir / "cache", bad);
    LayerFilesCache cache(dir / "cache");
    EXPECT_EQ(cache.Find(Digest::Of("layer")), nullptr) << bad;
  }
}

}  // namespace
}  // namespace ocimake
