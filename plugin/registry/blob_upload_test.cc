#include "registry/blob_upload.h"

#include <gtest/gtest.h>

namespace ocimake {
namespace {

TEST(BlobUploadTest, RangeEndIsTheBytesTheRegistryHolds) {
  EXPECT_EQ(RangeEnd("0-1234"), 1235u);
  EXPECT_EQ(RangeEnd("bytes=0-0"), 1u);
  EXPECT_FALSE(RangeEnd("0-").has_value());
  EXPECT_FALSE(RangeEnd("1234").has_value());
  EXPECT_FALSE(RangeEnd("0-12x").has_value());
  EXPECT_FALSE(RangeEnd("").has_value());
}

}  // namespace
}  // namespace ocimake
