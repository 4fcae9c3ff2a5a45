#include "rootfs/rootfs_unpacker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestTar;

// A root directory and the layers applied to it, in order.
class UnpackerTest : public ::testing::Test {
 protected:
  UnpackerTest() { MakeDirs(root()); }
  std::string root() const { return tmp_ / "root"; }
  std::string at(const std::string& rel) const { return root() + "/" + rel; }
  void Apply(const std::vector<std::vector<std::string>>& layers, uint64_t max = 1 << 20) {
    RootfsUnpacker unpacker(root(), max);
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string tar = tmp_ / ("layer" + std::to_string(i) + ".tar");
      WriteTestTar(tar, layers[i]);
      unpacker.ApplyLayer(tar, "layer " + std::to_string(i));
    }
  }
  std::string ApplyError(const std::vector<std::vector<std::string>>& layers,
                         uint64_t max = 1 << 20) {
    try {
      Apply(layers, max);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  ScratchDir tmp_;
};

TEST_F(UnpackerTest, WhiteoutsDeleteLowerEntries) {
  Apply({{"d:etc", "f:etc/a:1", "f:etc/b:2", "d:var", "f:var/x:3"},
         {"f:etc/.wh.a:", "f:.wh.var:", "f:.wh.missing:"}});
  EXPECT_FALSE(PathExists(at("etc/a")));
  EXPECT_EQ(ReadFile(at("etc/b")), "2");
  EXPECT_FALSE(PathExists(at("var")));
}

TEST_F(UnpackerTest, OpaqueDirectoryKeepsOnlyThisLayer) {
  Apply({{"d:d", "f:d/old:1", "d:d/sub", "f:d/sub/x:2"},
         {"d:d", "f:d/new:3", "f:d/.wh..wh..opq:"}});
  EXPECT_EQ(ReadFile(at("d/new")), "3") << "what the same layer put there stays";
  EXPECT_FALSE(PathExists(at("d/old")));
  EXPECT_FALSE(PathExists(at("d/sub")));
}

TEST_F(UnpackerTest, HardlinksShareTheInode) {
  Apply({{"d:usr", "d:usr/bin", "f:usr/bin/b:tool", "h:usr/bin/a:/usr/bin/b", "h:c:usr/bin/b"}});
  struct stat a, b, c;
  ASSERT_EQ(stat(at("usr/bin/a").c_str(), &a), 0);
  ASSERT_EQ(stat(at("usr/bin/b").c_str(), &b), 0);
  ASSERT_EQ(stat(at("c").c_str(), &c), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(c.st_ino, b.st_ino);
  EXPECT_NE(ApplyError({{"h:shadow:/etc/shadow"}}).find("hardlink target /etc/shadow"),
            std::string::npos);
}

TEST_F(UnpackerTest, SymlinksResolveInsideTheRoot) {
  std::string outside = tmp_ / "outside";
  MakeDirs(outside);
  Apply({{"l:localetc:/etc", "f:localetc/x:inside", "l:up:../../../../..",
          "f:up" + outside + "/y:inside too", "l:over:/etc/x", "f:over:replaced"}});
  EXPECT_EQ(ReadFile(at("etc/x")), "inside");
  EXPECT_EQ(ReadFile(at(outside.substr(1) + "/y")), "inside too");
  EXPECT_FALSE(PathExists(outside + "/y")) << "nothing written outside the root";
  struct stat st;
  ASSERT_EQ(lstat(at("over").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode)) << "a file over a symlink replaces the link";
  EXPECT_EQ(ReadFile(at("etc/x")), "inside") << "not written through the link";
}

TEST_F(UnpackerTest, DotDotIsRejected) {
  for (std::string name : {"../pwned", "a/../../pwned"}) {
    EXPECT_NE(ApplyError({{"f:" + name + ":x"}}).find("'..' is not allowed"), std::string::npos)
        << name;
  }
  EXPECT_FALSE(PathExists(tmp_ / "pwned"));
}

TEST_F(UnpackerTest, NoDeviceNodesNoSetuid) {
  Apply({{"c:dev/null-copy", "s:usr/bin/su-copy", "d:usr"}});
  struct stat st;
  EXPECT_NE(lstat(at("dev/null-copy").c_str(), &st), 0) << "a device node was created";
  ASSERT_EQ(stat(at("usr/bin/su-copy").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(UnpackerTest, SizeLimitCoversEveryLayer) {
  EXPECT_EQ(ApplyError({{"f:a:12345"}, {"f:b:12345"}}, 10), "");
  std::string error = ApplyError({{"f:c:12345"}, {"f:d:123456"}}, 10);
  EXPECT_NE(error.find("layer 1: entry 'd': unpacks to more than the limit of 10 bytes"),
            std::string::npos)
      << error;
}

// Deeper than the window of open fds and longer than PATH_MAX (4096): the
// chain of open directories walks it one component at a time.
TEST_F(UnpackerTest, DeepChainBeyondPathMax) {
  std::vector<std::string> layer;
  std::string path;
  for (int i = 0; i < 300; ++i) {
    path += (i ? "/" : "") + std::string(20, 'a' + i % 26);
    layer.push_back("d:" + path);
  }
  layer.push_back("f:" + path + "/bottom:deep");
  layer.push_back("f:" + path.substr(0, 21 * 10 - 1) + "/side:up again");
  layer.push_back("h:" + path + "/hard:" + path + "/bottom");
  Apply({layer});
  std::string host = at(path.substr(0, 21 * 10 - 1) + "/side");
  EXPECT_EQ(ReadFile(host), "up again");
  // The bottom is beyond PATH_MAX for the host's open(): checked step by step.
  int fd = open(root().c_str(), O_RDONLY | O_DIRECTORY);
  for (const auto& part : PathComponents(path)) {
    int next = openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    close(fd);
    ASSERT_GE(next, 0) << part;
    fd = next;
  }
  struct stat a, b;
  ASSERT_EQ(fstatat(fd, "bottom", &a, AT_SYMLINK_NOFOLLOW), 0);
  ASSERT_EQ(fstatat(fd, "hard", &b, AT_SYMLINK_NOFOLLOW), 0);
  close(fd);
  EXPECT_EQ(a.st_size, 4);
  EXPECT_EQ(a.st_ino, b.st_ino);
}

TEST_F(UnpackerTest, ChainFdsStayBounded) {
  int root_fd = open(root().c_str(), O_RDONLY | O_DIRECTORY);
  {
    DirChain chain(root_fd);
    std::vector<std::string> parts(200, "d");
    ASSERT_GE(chain.Open(parts, true), 0);
    EXPECT_EQ(chain.open_count(), DirChain::kMaxOpen);
    parts.resize(20);
    parts.push_back("e");
    ASSERT_GE(chain.Open(parts, true), 0) << "above the window: walked again from the root";
    EXPECT_EQ(chain.open_count(), 21u);
    EXPECT_EQ(chain.Open({"missing"}, false), DirChain::kMissing);
  }
  close(root_fd);
}

// A directory replaced (here by a symlink) is never written into through a
// stale fd the chain kept: the write follows the new symlink inside the root.
// p/q is replaced through p/q/l -> /p (resolved the slow way, outside what
// the chain holds), while the chain still holds p/q open.
TEST_F(UnpackerTest, ReplacedDirectoryIsNotReusedFromTheChain) {
  Apply({{"d:t", "d:p", "d:p/q", "l:p/q/l:/p", "l:p/q/l/q:/t", "f:p/q/z:3"}});
  EXPECT_EQ(ReadFile(at("t/z")), "3");
  Apply({{"d:t", "d:a", "d:a/b", "f:a/b/x:1", "l:a:/t", "f:a/b/y:2"},
         {"f:t/.wh.b:", "f:a/b/z:3"}});
  EXPECT_EQ(ReadFile(at("t/b/z")), "3");
  EXPECT_FALSE(PathExists(at("t/b/y"))) << "the whiteout removed t/b";
  struct stat st;
  ASSERT_EQ(lstat(at("a").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

}  // namespace
}  // namespace ocimake
