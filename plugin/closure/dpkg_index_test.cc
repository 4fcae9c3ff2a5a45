#include "closure/dpkg_index.h"

#include <gtest/gtest.h>

#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

constexpr char kDep5[] = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n";

TEST(DpkgStatusTest, KeepsInstalledPackagesWithVersionAndArchitecture) {
  auto packages = ParseDpkgStatus(
      "Package: libfmt9\nStatus: install ok installed\nArchitecture: amd64\n"
      "Version: 9.1.0+ds1-2\nDescription: fmt\n formatting library\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
      "Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2024a-0\n");
  ASSERT_EQ(packages.size(), 2u);
  EXPECT_EQ(packages["libfmt9:amd64"].version, "9.1.0+ds1-2");
  EXPECT_EQ(packages["libfmt9:amd64"].name, "libfmt9");
  EXPECT_EQ(packages["tzdata:all"].architecture, "all");
}

TEST(DeclaredLicenseTest, TakesTheLicenseOfFilesStar) {
  EXPECT_EQ(DeclaredLicense(std::string(kDep5) +
                            "Upstream-Name: z\n\nFiles: debian/*\nLicense: GPL-2+\n\n"
                            "Files: *\nCopyright: 2020 Someone\nLicense: Zlib\n text of it\n"),
            "Zlib");
}

TEST(DeclaredLicenseTest, MapsDebianNamesAndOperatorsToSpdx) {
  auto license = [](const std::string& l) {
    return DeclaredLicense(std::string(kDep5) + "\nFiles: *\nLicense: " + l + "\n");
  };
  EXPECT_EQ(license("Expat"), "MIT");
  EXPECT_EQ(license("GPL-2+ or Expat"), "GPL-2.0-or-later OR MIT");
  EXPECT_EQ(license("LGPL-2.1 and BSD-3-clause"), "LGPL-2.1-only AND BSD-3-Clause");
  EXPECT_EQ(license("GPL-3"), "GPL-3.0-only");
}

TEST(DeclaredLicenseTest, NoAssertionWhenUnsure) {
  EXPECT_EQ(DeclaredLicense("This is the Debian prepackaged version of glibc.\n"), "NOASSERTION");
  EXPECT_EQ(DeclaredLicense(std::string(kDep5) + "\nFiles: *\nLicense: Expat with embedded exception\n"),
            "NOASSERTION");
  EXPECT_EQ(DeclaredLicense(std::string(kDep5) + "\nFiles: *\nLicense: Python\n"), "NOASSERTION");
  EXPECT_EQ(DeclaredLicense(std::string(kDep5) + "\nFiles: src/*\nLicense: MIT\n"), "NOASSERTION");
}

// A merged-/usr root whose dpkg database lists libz under /lib.
class DpkgIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeSymlink("usr/lib", root_ / "lib");
    WriteTestFile(root_ / "usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "lib");
    WriteTestFile(root_ / "var/lib/dpkg/status",
                  "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
                  "Version: 1:1.2.13.dfsg-1\n");
    WriteTestFile(root_ / "var/lib/dpkg/info/zlib1g:amd64.list",
                  "/.\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libz.so.1.2.13\n");
    // An absolute symlink resolves inside the root, not on the host.
    WriteTestFile(root_ / "usr/share/doc/zlib1g-common/copyright",
                  std::string(kDep5) + "\nFiles: *\nLicense: Zlib\n");
    MakeSymlink("/usr/share/doc/zlib1g-common", root_ / "usr/share/doc/zlib1g");
  }
  ScratchDir root_;
};

TEST_F(DpkgIndexTest, FindsTheOwnerUnderTheCanonicalPath) {
  DpkgIndex index = DpkgIndex::Read(root_.path());
  const DebianPackage* owner = index.Owner("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->name, "zlib1g");
  EXPECT_EQ(owner->version, "1:1.2.13.dfsg-1");
  EXPECT_EQ(owner->license, "NOASSERTION");  // read only when asked
  EXPECT_EQ(index.WithLicense(*owner).license, "Zlib");
  EXPECT_EQ(index.Owner("/lib/x86_64-linux-gnu/libz.so.1.2.13"), owner);
  EXPECT_EQ(index.Owner("/usr/local/lib/libown.so"), nullptr);
}

TEST_F(DpkgIndexTest, OwnerAmongPicksTheNamedPackageOfADirectory) {
  WriteTestFile(root_ / "var/lib/dpkg/status",
                "Package: ca-certificates\nStatus: install ok installed\nVersion: 1\n\n"
                "Package: ca-certificates-java\nStatus: install ok installed\nVersion: 2\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/ca-certificates.list", "/etc/ssl/certs\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/ca-certificates-java.list", "/etc/ssl/certs\n");
  DpkgIndex index = DpkgIndex::Read(root_.path());
  EXPECT_EQ(index.Owner("/etc/ssl/certs")->name, "ca-certificates-java");  // first .list
  EXPECT_EQ(index.OwnerAmong("/etc/ssl/certs", {"tzdata", "ca-certificates"})->name,
            "ca-certificates");
  EXPECT_EQ(index.OwnerAmong("/etc/ssl/certs", {"tzdata"}), nullptr);
}

TEST_F(DpkgIndexTest, AMultiArchPackageIsThatOfItsListsArchitecture) {
  WriteTestFile(root_ / "var/lib/dpkg/status",
                "Package: libfmt9\nStatus: install ok installed\nArchitecture: amd64\n"
                "Version: 9\n\nPackage: libfmt9\nStatus: install ok installed\n"
                "Architecture: arm64\nVersion: 9\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/libfmt9:arm64.list", "/usr/lib/aarch64-linux-gnu/libfmt.so.9\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/libfmt9:amd64.list", "/usr/lib/x86_64-linux-gnu/libfmt.so.9\n");
  DpkgIndex index = DpkgIndex::Read(root_.path());
  EXPECT_EQ(index.Owner("/usr/lib/aarch64-linux-gnu/libfmt.so.9")->architecture, "arm64");
  EXPECT_EQ(index.Owner("/usr/lib/x86_64-linux-gnu/libfmt.so.9")->architecture, "amd64");
}

TEST(DpkgIndexEmptyTest, ARootWithoutDpkgDatabaseIsEmpty) {
  ScratchDir root;
  EXPECT_TRUE(DpkgIndex::Read(root.path()).empty());
}

}  // namespace
}  // namespace ocimake
