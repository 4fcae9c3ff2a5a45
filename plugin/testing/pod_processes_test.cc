#include "testing/pod_processes.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

TEST(PodProcessesTest, KeepsStatusesAndLogs) {
  testing::ScratchDir dir;
  PodProcesses processes;
  pid_t pid = processes.Start({"sh", "-c", "echo out; echo err >&2; exit 7"}, dir / "log");
  EXPECT_EQ(processes.Wait(pid), 7);
  EXPECT_EQ(processes.Status(pid), 7);
  EXPECT_EQ(ReadFile(dir / "log"), "out\nerr\n");
  EXPECT_EQ(processes.Wait(processes.Start({"no-such-program-here"})), 127);
}

TEST(PodProcessesTest, StopsWithTheSignalThenKills) {
  PodProcesses processes;
  pid_t polite = processes.Start({"sleep", "60"});
  EXPECT_EQ(processes.Stop(polite, SIGTERM, 5), std::make_pair(128 + SIGTERM, false));
  // An ignored signal stays ignored across exec: sleep ignores SIGTERM,
  // and no child of it outlives the test.
  pid_t stubborn = processes.Start({"sh", "-c", "trap '' TERM; exec sleep 60"});
  EXPECT_FALSE(processes.WaitUntil(stubborn, Clock::now() + std::chrono::milliseconds(100)));
  EXPECT_EQ(processes.Stop(stubborn, SIGTERM, 0.2), std::make_pair(128 + SIGKILL, true));
}

TEST(PodProcessesTest, LogTailKeepsTheLastLines) {
  testing::ScratchDir dir;
  testing::WriteTestFile(dir / "log", "1\n2\n3\n");
  EXPECT_EQ(LogTail(dir / "log", "api", 5), "  api| 1\n  api| 2\n  api| 3\n");
  testing::WriteTestFile(dir / "empty", "");
  EXPECT_EQ(LogTail(dir / "empty", "api", 5), "  api| (no output)\n");
  EXPECT_EQ(LogTail(dir / "log", "api", 1),
            "  api| ... 2 earlier lines in " + dir / "log" + "\n  api| 3\n");
}

TEST(PodProcessesTest, ParsesStopSignals) {
  EXPECT_EQ(ParseSignal("SIGTERM"), SIGTERM);
  EXPECT_EQ(ParseSignal("QUIT"), SIGQUIT);
  EXPECT_EQ(ParseSignal("10"), 10);
  EXPECT_EQ(ParseSignal("SIGWINCH"), SIGWINCH);
  for (const char* bad : {"", "SIGFOO", "0", "99", "-1", "sigterm"})
    EXPECT_NE(testing::ErrorOf([&] { ParseSignal(bad); }).find("stop signal '"), std::string::npos)
        << bad;
}

}  // namespace
}  // namespace ocimake
