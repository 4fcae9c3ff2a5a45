#include "stage/build_stage.h"

#include <gtest/gtest.h>

#include <string>

#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CrossToolchainFileTest, Arm64UsesDebiansCrossCompilerAndQemu) {
  std::string file = CrossToolchainFile("linux/arm64");
  EXPECT_TRUE(Has(file, "set(CMAKE_SYSTEM_NAME Linux)\n")) << file;
  EXPECT_TRUE(Has(file, "set(CMAKE_SYSTEM_PROCESSOR aarch64)\n")) << file;
  EXPECT_TRUE(Has(file, "set(CMAKE_C_COMPILER /usr/bin/aarch64-linux-gnu-gcc)\n")) << file;
  EXPECT_TRUE(Has(file, "set(CMAKE_CXX_COMPILER /usr/bin/aarch64-linux-gnu-g++)\n")) << file;
  EXPECT_TRUE(Has(file, "set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)\n")) << file;
  EXPECT_TRUE(Has(file, "/usr/lib/aarch64-linux-gnu/pkgconfig")) << file;
  EXPECT_TRUE(Has(file, "set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64-static)\n"))
      << file;
}

TEST(CrossToolchainFileTest, ArmV7IsArmhf) {
  std::string file = CrossToolchainFile("linux/arm/v7");
  EXPECT_TRUE(Has(file, "/usr/bin/arm-linux-gnueabihf-g++")) << file;
  EXPECT_TRUE(Has(file, "qemu-arm-static")) << file;
}

TEST(CrossToolchainFileTest, UnknownPlatformIsAnError) {
  EXPECT_NE(ErrorOf([] { CrossToolchainFile("linux/mips"); }).find("linux/mips: not one"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { CrossToolchainFile("arm64"); }).find("expected OS/ARCH"),
            std::string::npos);
}

}  // namespace
}  // namespace ocimake
