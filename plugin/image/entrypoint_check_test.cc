#include "image/entrypoint_check.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ScratchDir;
using testing::WriteTestFile;

std::string FailureOf(const RuntimeConfig& c, const ImageContents& contents) {
  try {
    CheckEntrypoint(c, contents);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

RuntimeConfig Entrypoint(const std::string& program, const std::string& path = "") {
  RuntimeConfig c;
  c.entrypoint = std::vector<std::string>{program, "--flag"};
  if (!path.empty()) c.env = {"PATH=" + path};
  return c;
}

TEST(EntrypointCheckTest, FindsTheProgramInTheStageOnPathOrInTheBase) {
  ScratchDir d;
  WriteTestFile(d / "stage/usr/local/bin/greeter", "", 0755);
  ImageContents contents{d / "stage", {}, nullptr};
  EXPECT_EQ(FailureOf(Entrypoint("/usr/local/bin/greeter"), contents), "");
  EXPECT_EQ(FailureOf(Entrypoint("greeter", "/usr/bin:/usr/local/bin"), contents), "");
  contents.base_files = [] { return std::set<std::string>{"/bin", "/usr", "/usr/bin", "/usr/bin/sh"}; };
  EXPECT_EQ(FailureOf(Entrypoint("/usr/bin/sh"), contents), "");
  EXPECT_EQ(FailureOf(Entrypoint("/bin/sh"), contents), "")
      << "/bin has nothing listed below it in the base: a symlinked directory";
}

TEST(EntrypointCheckTest, NamesTheClosestPath) {
  ScratchDir d;
  WriteTestFile(d / "stage/usr/local/bin/greeter", "", 0755);
  WriteTestFile(d / "stage/usr/local/share/greeter/data", "");
  ImageContents contents{d / "stage", {}, nullptr};
  EXPECT_EQ(FailureOf(Entrypoint("/usr/local/bin/greter"), contents),
            "ENTRYPOINT /usr/local/bin/greter: not in the image (closest: /usr/local/bin/greeter)");
  EXPECT_EQ(FailureOf(Entrypoint("greetr", "/usr/bin"), contents),
            "ENTRYPOINT greetr: not found on the image's PATH (closest: /usr/local/bin/greeter)");
  RuntimeConfig cmd_only;
  cmd_only.cmd = std::vector<std::string>{"/app"};
  EXPECT_EQ(FailureOf(cmd_only, ImageContents{}), "CMD /app: not in the image");
  EXPECT_EQ(FailureOf(RuntimeConfig{}, ImageContents{}), "") << "no command: nothing to check";
}

TEST(EntrypointCheckTest, ReadsTheBaseOnlyWhenNeeded) {
  ScratchDir d;
  WriteTestFile(d / "stage/app", "", 0755);
  int reads = 0;
  ImageContents contents{d / "stage", {}, [&] {
                           ++reads;
                           return std::set<std::string>{};
                         }};
  CheckEntrypoint(Entrypoint("/app"), contents);
  EXPECT_EQ(reads, 0);
}

}  // namespace
}  // namespace ocimake
