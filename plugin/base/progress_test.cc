#include "base/progress.h"

#include <gtest/gtest.h>

namespace ocimake {
namespace {

TEST(ProgressTest, BoardRedrawnInPlace) {
  // First draw: nothing to go back over.
  EXPECT_EQ(ProgressBoardText(0, {}, {"a: 1.0 MB", "b: 2.0 MB"}),
            "\r\x1b[J" "a: 1.0 MB\n" "b: 2.0 MB\n");
  // Two lines drawn, one finished: up two, cleared, the finished line left
  // above the one still in flight.
  EXPECT_EQ(ProgressBoardText(2, {"a: 5.0 MB"}, {"b: 3.0 MB"}),
            "\x1b[2A\r\x1b[J" "a: 5.0 MB\n" "b: 3.0 MB\n");
  EXPECT_EQ(ProgressBoardText(1, {}, {}), "\x1b[1A\r\x1b[J");
}

}  // namespace
}  // namespace ocimake
