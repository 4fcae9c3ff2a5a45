#include "base/digest.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace ocimake {
namespace {

TEST(DigestTest, OfEmptyStringIsTheKnownValue) {
  EXPECT_EQ(Digest::Of("").str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, StreamingEqualsOneShot) {
  Sha256 h;
  h.Update("hello ");
  h.Update("world");
  EXPECT_EQ(h.bytes(), 11u);
  EXPECT_EQ(h.Finish(), Digest::Of("hello world"));
}

TEST(DigestTest, Sha1OfAKnownString) {
  Sha1 h;
  h.Update("abc", 3);
  EXPECT_EQ(h.FinishHex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(DigestTest, ParseAcceptsCanonicalForm) {
  std::string text = Digest::Of("x").str();
  EXPECT_EQ(Digest::Parse(text).str(), text);
}

TEST(DigestTest, ParseRejectsWhatCouldBecomeAPath) {
  for (const char* bad : {"sha256:../../x", "sha256:ABCDEF", "sha512:00", "",
                          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
                          "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/"}) {
    EXPECT_FALSE(Digest::IsValid(bad)) << bad;
    EXPECT_THROW(Digest::Parse(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace ocimake
