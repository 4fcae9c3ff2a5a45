#include "closure/package_files.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"
#include "closure/closure.h"

namespace ocimake {
namespace {

using testing::CopyTestFile;
using testing::ErrorOf;
using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

// A merged-/usr root: /lib -> usr/lib, /bin -> usr/bin.
class PackageFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeSymlink("usr/lib", root_ / "lib");
    MakeSymlink("usr/bin", root_ / "bin");
    MakeDirs(root_ / "usr/lib/x86_64-linux-gnu");
  }
  void Package(const std::string& name, const std::string& list) {
    WriteTestFile(root_ / ("var/lib/dpkg/info/" + name + ".list"), list);
  }
  std::vector<std::string> Paths(std::vector<std::string> packages,
                                 const std::string& arch = "amd64") {
    PackageFilesRequest req;
    req.root = root_.path();
    req.packages = std::move(packages);
    req.debian_arch = arch;
    std::vector<std::string> out;
    for (const auto& e : ListPackageFiles(req).entries) out.push_back(e.path);
    return out;
  }
  ScratchDir root_;
};

TEST_F(PackageFilesTest, CanonicalPathsThroughMergedUsrAndKeepsTheLinks) {
  WriteTestFile(root_ / "usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "lib");
  MakeSymlink("libz.so.1.2.13", root_ / "usr/lib/x86_64-linux-gnu/libz.so.1");
  WriteTestFile(root_ / "usr/share/doc/zlib1g/copyright", "doc");
  Package("zlib1g:amd64",
          "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libz.so.1\n"
          "/lib/x86_64-linux-gnu/libz.so.1.2.13\n/usr\n/usr/share\n/usr/share/doc\n"
          "/usr/share/doc/zlib1g\n/usr/share/doc/zlib1g/copyright\n");
  EXPECT_EQ(Paths({"zlib1g"}), (std::vector<std::string>{
                                   "lib", "usr", "usr/lib/x86_64-linux-gnu",
                                   "usr/lib/x86_64-linux-gnu/libz.so.1",
                                   "usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "usr/share"}));
}

TEST_F(PackageFilesTest, PicksThePlatformsArchList) {
  WriteTestFile(root_ / "usr/lib/x86_64-linux-gnu/liba.so", "a");
  WriteTestFile(root_ / "usr/lib/aarch64-linux-gnu/liba.so", "b");
  Package("liba:amd64", "/usr/lib/x86_64-linux-gnu/liba.so\n");
  Package("liba:arm64", "/usr/lib/aarch64-linux-gnu/liba.so\n");
  EXPECT_EQ(Paths({"liba"}, "arm64"),
            (std::vector<std::string>{"usr/lib/aarch64-linux-gnu/liba.so"}));
  EXPECT_EQ(Paths({"liba"}, "amd64"),
            (std::vector<std::string>{"usr/lib/x86_64-linux-gnu/liba.so"}));
}

TEST_F(PackageFilesTest, GeneratedFilesOnlyOfTheScriptsDirectory) {
  WriteTestFile(root_ / "usr/share/ca-certificates/x.crt", "cert");
  WriteTestFile(root_ / "etc/ssl/certs/ca-certificates.crt", "bundle");
  MakeSymlink("/usr/share/ca-certificates/x.crt", root_ / "etc/ssl/certs/x.pem");
  MakeSymlink("x.pem", root_ / "etc/ssl/certs/1234abcd.0");
  WriteTestFile(root_ / "etc/ssl/certs/owned.pem", "owned by other");
  MakeDirs(root_ / "etc/ssl/certs/java");
  WriteTestFile(root_ / "etc/ssl/openssl.cnf", "cnf");
  WriteTestFile(root_ / "etc/unowned.conf", "not in a deep directory");
  Package("ca-certificates", "/etc\n/etc/ssl\n/etc/ssl/certs\n/usr/share/ca-certificates\n"
                             "/usr/share/ca-certificates/x.crt\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/ca-certificates.postinst",
                "#!/bin/sh\n# update /etc/ssl/certs now\nupdate-ca-certificates\n");
  Package("other", "/etc/ssl/certs/owned.pem\n");
  Package("openssl", "/etc\n/etc/ssl\n/etc/ssl/certs\n/etc/ssl/openssl.cnf\n");
  EXPECT_EQ(Paths({"ca-certificates"}),
            (std::vector<std::string>{"etc", "etc/ssl", "etc/ssl/certs",
                                      "etc/ssl/certs/1234abcd.0",
                                      "etc/ssl/certs/ca-certificates.crt",
                                      "etc/ssl/certs/x.pem", "usr/share/ca-certificates",
                                      "usr/share/ca-certificates/x.crt"}));
  // openssl lists /etc/ssl/certs too, but its scripts do not make files there.
  EXPECT_EQ(Paths({"openssl"}), (std::vector<std::string>{"etc", "etc/ssl", "etc/ssl/certs",
                                                          "etc/ssl/openssl.cnf"}));
}

TEST_F(PackageFilesTest, ConffilesAndPathsWithSpaces) {
  WriteTestFile(root_ / "etc/app.conf", "conf");
  WriteTestFile(root_ / "usr/share/app/a file", "data");
  Package("app", "/usr/share/app/a file\n");
  WriteTestFile(root_ / "var/lib/dpkg/info/app.conffiles", "/etc/app.conf remove-on-upgrade\n");
  EXPECT_EQ(Paths({"app"}), (std::vector<std::string>{"etc/app.conf", "usr/share/app/a file"}));
}

TEST_F(PackageFilesTest, ANotInstalledPackageIsAnErrorNamingIt) {
  Package("tzdata", "/usr\n");
  EXPECT_EQ(ErrorOf([&] { Paths({"tzdata", "no-such-package"}); }),
            "RUNTIME_PACKAGES no-such-package: not installed in " + root_.path() +
                " (add it to the toolchain's PACKAGES, or apt-get install it on the host for "
                "a host build)");
}

// The closure walks the packaged ELF files and does not repeat them (the
// host's libssl3: tests/lib.sh's hosts have it).
TEST(PackagedClosureTest, PackagedLibrariesAreWalkedAndNotRepeated) {
  ScratchDir stage;
  MakeDirs(stage / "usr");
  PackageFilesRequest req;
  req.root = "/";
  req.packages = {"libssl3"};
  req.debian_arch = "amd64";
  ClosureRequest closure;
  closure.stage = stage.path();
  closure.packaged = ListPackageFiles(req).entries;
  std::vector<std::string> libs;
  for (const auto& e : ComputeClosure(closure).entries) libs.push_back(e.path);
  EXPECT_NE(std::find(libs.begin(), libs.end(), "usr/lib/x86_64-linux-gnu/libc.so.6"),
            libs.end());
  for (const auto& lib : libs) EXPECT_EQ(lib.find("libssl"), std::string::npos) << lib;
}

}  // namespace
}  // namespace ocimake
