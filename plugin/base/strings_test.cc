#include "base/strings.h"

#include <gtest/gtest.h>

namespace ocimake {
namespace {

TEST(StringsTest, HexEncodeAndDecode) {
  EXPECT_EQ(HexEncode(std::string("\x7f" "ELF\x00\xff", 6)), "7f454c4600ff");
  std::string bytes;
  EXPECT_TRUE(HexDecode("7f454c4600ff", &bytes));
  EXPECT_EQ(bytes, std::string("\x7f" "ELF\x00\xff", 6));
  EXPECT_TRUE(HexDecode("", &bytes));
  EXPECT_EQ(bytes, "");
  for (const char* bad : {"7", "7F", "zz", "7f4"}) EXPECT_FALSE(HexDecode(bad, &bytes)) << bad;
}

TEST(StringsTest, Trim) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" a\t", " "), "a\t") << "only the characters given";
}

TEST(StringsTest, ToLower) {
  EXPECT_EQ(ToLower("WWW-Authenticate"), "www-authenticate");
  EXPECT_EQ(ToLower("a1:[::1]"), "a1:[::1]");
  EXPECT_EQ(ToLower("\xC4"), "\xC4") << "bytes above ASCII kept";
}

TEST(StringsTest, StartsAndEndsWith) {
  EXPECT_TRUE(StartsWith("bytes=0-1", "bytes="));
  EXPECT_TRUE(StartsWith("x", ""));
  EXPECT_FALSE(StartsWith("by", "bytes"));
  EXPECT_TRUE(EndsWith("host:443", ":443"));
  EXPECT_FALSE(EndsWith("43", ":443"));
}

TEST(StringsTest, Split) {
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Split("", ','), (std::vector<std::string>{""}));
  EXPECT_EQ(Split("a b\n", '\n'), (std::vector<std::string>{"a b", ""}));
}

TEST(StringsTest, FormatUtc) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatUtc(1700000000, "%Y-%m-%d %H:%M"), "2023-11-14 22:13");
}

}  // namespace
}  // namespace ocimake
