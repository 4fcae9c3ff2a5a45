#include "rootfs/image_run.h"

#include <gtest/gtest.h>

#include "base/error.h"

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

}  // namespace
}  // namespace ocimake
