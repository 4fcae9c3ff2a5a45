#include "base/fs_util.h"

#include <gtest/gtest.h>

namespace ocimake {
namespace {

// The hidden files that belong to a tree or a file sit beside it, named
// after it, however the path is written.
TEST(FsUtilTest, SidecarPathIsBesideThePath) {
  EXPECT_EQ(SidecarPath("/b/work/stage", "state"), "/b/work/.stage.state");
  EXPECT_EQ(SidecarPath("/b/work/stage/", "digests"), "/b/work/.stage.digests");
  EXPECT_EQ(SidecarPath("/b/./work/../work/x.spdx.json", "layers"), "/b/work/.x.spdx.json.layers");
  EXPECT_EQ(SidecarPath("stage", "state"), JoinPath(AbsolutePath("."), ".stage.state"));
}

}  // namespace
}  // namespace ocimake
