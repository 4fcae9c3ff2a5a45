#include "oci/platform.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;

TEST(PlatformTest, ParseTakesOsArchAndVariant) {
  EXPECT_EQ(ParsePlatform("linux/arm64"), (Platform{"linux", "arm64", ""}));
  EXPECT_EQ(ParsePlatform("linux/arm/v7"), (Platform{"linux", "arm", "v7"}));
  EXPECT_EQ(PlatformString(ParsePlatform("linux/arm/v7")), "linux/arm/v7");
}

TEST(PlatformTest, ParseRejectsWhatIsNotOsArchVariant) {
  for (const char* bad : {"", "linux", "arm64", "/arm64", "linux/", "linux//v8", "linux/arm/"}) {
    EXPECT_EQ(ErrorOf([&] { ParsePlatform(bad); }),
              std::string("platform '") + bad + "': expected OS/ARCH[/VARIANT], e.g. linux/arm64")
        << bad;
  }
}

TEST(PlatformTest, InfoOfArm64WithAndWithoutItsV8Variant) {
  const PlatformInfo& arm64 = PlatformInfoOf(ParsePlatform("linux/arm64"));
  EXPECT_STREQ(arm64.name, "linux/arm64");
  EXPECT_STREQ(arm64.debian, "arm64");
  EXPECT_STREQ(arm64.multiarch, "aarch64-linux-gnu");
  EXPECT_STREQ(arm64.triplet, "aarch64-linux-gnu");
  EXPECT_STREQ(arm64.processor, "aarch64");
  EXPECT_EQ(arm64.elf_bits, 64);
  EXPECT_EQ(arm64.elf_machine, EM_AARCH64);
  EXPECT_STREQ(arm64.qemu, "aarch64");
  EXPECT_EQ(&PlatformInfoOf(ParsePlatform("linux/arm64/v8")), &arm64) << "v8 is arm64's own";
}

TEST(PlatformTest, UnknownPlatformListsTheAcceptedNames) {
  std::string names;
  for (const auto& info : KnownPlatforms())
    names += std::string(names.empty() ? "" : ", ") + info.name;
  EXPECT_NE(names.find("linux/amd64, linux/arm64"), std::string::npos) << names;
  EXPECT_EQ(ErrorOf([] { PlatformInfoOf(ParsePlatform("linux/mips")); }),
            "platform linux/mips: not one ocimake builds for (expected one of " + names + ")");
  EXPECT_NE(ErrorOf([] { PlatformInfoOf(ParsePlatform("linux/arm64/v9")); }), "(no error)");
}

TEST(PlatformTest, ElfClassAndMachineName) {
  const PlatformInfo* arm64 = PlatformOfElf(ELFCLASS64, EM_AARCH64);
  ASSERT_NE(arm64, nullptr);
  EXPECT_STREQ(arm64->name, "linux/arm64");
  EXPECT_EQ(PlatformOfElf(ELFCLASS32, EM_AARCH64), nullptr) << "no 32-bit aarch64 row";
  EXPECT_EQ(PlatformOfElf(ELFCLASSNONE, EM_AARCH64), nullptr);
  EXPECT_STREQ(PlatformOfElf(ELFCLASS64, EM_X86_64)->name, "linux/amd64");
}

TEST(PlatformTest, HostIsInTheTable) {
  Platform host = HostPlatform();
  const PlatformInfo& info = PlatformInfoOf(host);  // fails on a machine of no row
  EXPECT_EQ(info.platform(), host);
#if defined(__x86_64__)
  EXPECT_EQ(PlatformString(host), "linux/amd64");
#endif
}

TEST(PlatformTest, PlatformOfAConfig) {
  ImageConfig config;
  config.os = "linux";
  config.architecture = "arm";
  config.variant = "v7";
  EXPECT_EQ(PlatformOf(config), (Platform{"linux", "arm", "v7"}));
}

}  // namespace
}  // namespace ocimake
