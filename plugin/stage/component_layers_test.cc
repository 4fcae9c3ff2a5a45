#include "stage/component_layers.h"

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::MakeSymlink;
using testing::ScratchDir;
using testing::WriteTestFile;

TEST(ComponentLayersTest, TakesEachComponentsPathsAndRemovesTheirTrees) {
  ScratchDir dir;
  WriteTestFile(dir / "stage/.ocimake-components/assets/usr/share/a.txt", "a");
  MakeSymlink("a.txt", dir / "stage/.ocimake-components/assets/usr/share/b.txt");
  WriteTestFile(dir / "stage/.ocimake-components/plugins/usr/lib/p.so", "p");
  auto paths = TakeComponentPaths(dir / "stage", {"assets", "plugins"});
  EXPECT_EQ(paths["assets"], (std::set<std::string>{"usr/share/a.txt", "usr/share/b.txt"}));
  EXPECT_EQ(paths["plugins"], (std::set<std::string>{"usr/lib/p.so"}));
  EXPECT_FALSE(PathExists(dir / "stage/.ocimake-components"));
}

TEST(ComponentLayersTest, AComponentThatInstallsNothingIsAnError) {
  ScratchDir dir;
  WriteTestFile(dir / "stage/.ocimake-components/assets/x", "x");
  EXPECT_EQ(ErrorOf([&] { TakeComponentPaths(dir / "stage", {"assets", "asset"}); }),
            "LAYERS asset: the install rules install nothing for component 'asset' (expected "
            "an install(... COMPONENT asset) rule)");
}

TEST(ComponentLayersTest, SplitsInLayersOrderAndKeepsDirectoriesWithTheRest) {
  std::vector<LayerEntry> entries = {{"usr", "/s/usr"},
                                     {"usr/bin/app", "/s/usr/bin/app"},
                                     {"usr/share/a.txt", "/s/usr/share/a.txt"},
                                     {"usr/share/both.txt", "/s/usr/share/both.txt"}};
  std::map<std::string, std::set<std::string>> paths = {
      {"plugins", {"usr/share/both.txt"}},
      {"assets", {"usr/share/a.txt", "usr/share/both.txt"}}};
  ComponentSplit split = SplitByComponent(entries, {"assets", "plugins"}, paths);
  ASSERT_EQ(split.components.size(), 2u);
  EXPECT_EQ(split.components[0].first, "assets");
  ASSERT_EQ(split.components[0].second.size(), 2u) << "a path two install goes to the first";
  EXPECT_EQ(split.components[0].second[1].path, "usr/share/both.txt");
  EXPECT_TRUE(split.components[1].second.empty());
  ASSERT_EQ(split.rest.size(), 2u);
  EXPECT_EQ(split.rest[0].path, "usr");
  EXPECT_EQ(split.rest[1].path, "usr/bin/app");
}

}  // namespace
}  // namespace ocimake
