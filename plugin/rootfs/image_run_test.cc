#include "rootfs/image_run.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using Argv = std::vector<std::string>;

RunRequest Request() {
  RunRequest r;
  r.args = {"--name", "CI"};
  return r;
}

TEST(PodmanCommandTest, NoNetworkByDefault) {
  EXPECT_EQ(PodmanCommand("podman", "oci:/l:t", Request()),
            (Argv{"podman", "run", "--rm", "--network=none", "oci:/l:t", "--name", "CI"}));
}

TEST(PodmanCommandTest, ShareNetGivesTheHostNetwork) {
  RunRequest r = Request();
  r.share_net = true;
  r.config.exposed_ports = {"8080/tcp"};  // --share-net wins over EXPOSE
  EXPECT_EQ(PodmanCommand("docker", "oci:/l", r),
            (Argv{"docker", "run", "--rm", "--network=host", "oci:/l", "--name", "CI"}));
}

TEST(PodmanCommandTest, ExposedPortsGetTheDefaultNetworkAndPublishAll) {
  RunRequest r = Request();
  r.config.exposed_ports = {"8080/tcp", "53/udp"};
  Argv argv = PodmanCommand("podman", "oci:/l", r);
  EXPECT_EQ(argv, (Argv{"podman", "run", "--rm", "--publish-all", "oci:/l", "--name", "CI"}));
}

TEST(PodmanCommandTest, StdinAddsInteractive) {
  RunRequest r = Request();
  r.interactive = true;
  EXPECT_EQ(PodmanCommand("podman", "oci:/l", r),
            (Argv{"podman", "run", "--rm", "--network=none", "-i", "oci:/l", "--name", "CI"}));
}

TEST(PodmanCommandTest, BindsKeepReadOnlyAndCommandReplacesEntrypoint) {
  RunRequest r;
  r.binds = {"/data:/in:ro", "/out:/out"};
  r.env = {"A=1"};
  r.command = {"/bin/sh", "-c", "ls"};
  EXPECT_EQ(PodmanCommand("podman", "oci:/l", r),
            (Argv{"podman", "run", "--rm", "--network=none", "--env", "A=1", "--volume",
                  "/data:/in:ro", "--volume", "/out:/out", "--entrypoint", "/bin/sh", "oci:/l",
                  "-c", "ls"}));
}

TEST(PodmanCommandTest, MalformedBindIsAOneLineError) {
  RunRequest r;
  for (const char* bad : {"/data", "/data:/in:rw", "/a:/b:ro:x", ":/in", "/data:", "/d:/i:"}) {
    r.binds = {bad};
    try {
      PodmanCommand("podman", "oci:/l", r);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("bind '") + bad + "': expected SRC:DST or SRC:DST:ro");
    }
  }
}

TEST(ParseBindTest, ReadWriteUnlessRo) {
  Bind rw = ParseBind("/h:/c");
  EXPECT_EQ(rw.source, "/h");
  EXPECT_EQ(rw.target, "/c");
  EXPECT_FALSE(rw.read_only);
  EXPECT_TRUE(ParseBind("/h:/c:ro").read_only);
}

TEST(PodmanCommandTest, PlatformIsPassedOn) {
  RunRequest r = Request();
  r.platform = "linux/arm64";
  EXPECT_EQ(PodmanCommand("podman", "oci:/l", r),
            (Argv{"podman", "run", "--rm", "--network=none", "--platform", "linux/arm64",
                  "oci:/l", "--name", "CI"}));
}

const Platform kAmd64{"linux", "amd64", ""};
const Platform kArm64{"linux", "arm64", ""};

TEST(EmulatorForTest, NoneForTheHostsOwnPlatform) {
  EXPECT_EQ(EmulatorFor(kAmd64, kAmd64, "/nowhere"), "");
  EXPECT_EQ(EmulatorFor(Platform{"linux", "arm64", "v8"}, kArm64, "/nowhere"), "")
      << "arm64/v8 is arm64's own row";
  EXPECT_EQ(EmulatorFor(Platform{"linux", "", ""}, kAmd64, "/nowhere"), "")
      << "no architecture stated: run natively";
}

TEST(EmulatorForTest, QemuOfTheImagesPlatform) {
  testing::ScratchDir bin;
  testing::WriteTestFile(bin / "qemu-aarch64-static", "", 0755);
  EXPECT_EQ(EmulatorFor(kArm64, kAmd64, bin.path()), bin / "qemu-aarch64-static");
}

TEST(EmulatorForTest, MissingQemuNamesTheFileAndThePackage) {
  testing::ScratchDir bin;
  EXPECT_EQ(testing::ErrorOf([&] { EmulatorFor(kArm64, kAmd64, bin.path()); }),
            bin / "qemu-aarch64-static" +
                ": missing, needed to run a linux/arm64 image on this linux/amd64 host "
                "(install the Debian package qemu-user-static)");
}

// A rootfs with /bin/busybox and /bin/sh -> busybox.
std::string BusyboxRootfs(const testing::ScratchDir& tmp) {
  testing::WriteTestFile(tmp / "rootfs/bin/busybox", "", 0755);
  testing::MakeSymlink("busybox", tmp / "rootfs/bin/sh");
  testing::WriteTestFile(tmp / "rootfs/bin/data", "", 0644);
  return tmp / "rootfs";
}

TEST(SandboxCommandTest, EmulatedCommandRunsUnderTheBoundQemu) {
  testing::ScratchDir tmp;
  RunRequest r;
  r.rootfs = BusyboxRootfs(tmp);
  r.config.entrypoint = std::vector<std::string>{"sh", "-c"};
  r.config.env = {"PATH=/usr/bin:/bin/"};
  r.args = {"echo hi"};
  r.emulator = "/usr/bin/qemu-aarch64-static";
  Argv argv = SandboxCommand("sb", r);
  Argv tail(std::find(argv.begin(), argv.end(), "--"), argv.end());
  EXPECT_EQ(tail, (Argv{"--", "/.ocimake/qemu-aarch64-static", "-0", "sh", "/bin/sh", "-c",
                        "echo hi"}));
  Argv bind = {"--ro-bind", "/usr/bin/qemu-aarch64-static", "/.ocimake/qemu-aarch64-static"};
  EXPECT_NE(std::search(argv.begin(), argv.end(), bind.begin(), bind.end()), argv.end());
}

TEST(SandboxCommandTest, EmulatedProgramMustBeOnThePath) {
  testing::ScratchDir tmp;
  RunRequest r;
  r.rootfs = BusyboxRootfs(tmp);
  r.config.env = {"PATH=/bin"};
  r.emulator = "/usr/bin/qemu-aarch64-static";
  r.command = {"/opt/app"};  // a path is taken as it is
  EXPECT_EQ(SandboxCommand("sb", r).back(), "/opt/app");
  r.command = {"data"};  // not executable
  EXPECT_EQ(testing::ErrorOf([&] { SandboxCommand("sb", r); }),
            "data: not found on the image's PATH '/bin' (qemu-user needs the program's path)");
}

}  // namespace
}  // namespace ocimake
