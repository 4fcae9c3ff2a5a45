#include "image/runtime_user.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "base/fs_util.h"
#include "base/test_support.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;

constexpr char kDebianPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "app:x:1000:1001::/home/app:/bin/sh";  // no final newline
constexpr char kDebianGroup[] = "root:x:0:\napp:x:1001:\nstaff:x:50:\n";

TEST(RuntimeUserTest, NonRootUnlessUserOrTheBaseNamesOne) {
  EXPECT_EQ(RuntimeUser("", ""), "65532:65532");
  EXPECT_EQ(RuntimeUser("", "daemon"), "daemon");
  EXPECT_EQ(RuntimeUser("root", "daemon"), "root");
}

TEST(RuntimeUserTest, AddsOnlyTheAccountsTheBaseLacks) {
  std::string passwd = WithAccounts(kDebianPasswd, false);
  EXPECT_EQ(passwd.rfind(kDebianPasswd, 0), 0u) << "the base's lines come first, unchanged";
  EXPECT_EQ(passwd.find("root:x:0:0:root:/root:/sbin/nologin"), std::string::npos);
  EXPECT_NE(passwd.find("\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"),
            std::string::npos);
  EXPECT_NE(passwd.find("\nnobody:x:65534:"), std::string::npos);
  std::string scratch = WithAccounts("", true);
  EXPECT_EQ(scratch, "root:x:0:\nnonroot:x:65532:\nnobody:x:65534:\n");
}

TEST(RuntimeUserTest, ResolvesNamesNumbersAndGroups) {
  std::string passwd = WithAccounts(kDebianPasswd, false);
  std::string group = WithAccounts(kDebianGroup, true);
  auto ids = [&](const std::string& user) {
    UserIds u = ResolveUser(user, passwd, group, "test");
    return std::to_string(u.uid) + ":" + std::to_string(u.gid);
  };
  EXPECT_EQ(ids("65532:65532"), "65532:65532");
  EXPECT_EQ(ids("nonroot"), "65532:65532");
  EXPECT_EQ(ids("app"), "1000:1001");
  EXPECT_EQ(ids("app:staff"), "1000:50");
  EXPECT_EQ(ids("1234"), "1234:0");
  EXPECT_EQ(ids("1000"), "1000:1001") << "a numeric user's group from its passwd entry";
  EXPECT_NE(ErrorOf([&] { ResolveUser("99999999999", passwd, group, "the base"); }), "(no error)");
  EXPECT_NE(ErrorOf([&] { ResolveUser("1:4294967295", passwd, group, "the base"); }), "(no error)");
  EXPECT_EQ(ids("root"), "0:0");
  EXPECT_EQ(ErrorOf([&] { ResolveUser("ghost", passwd, group, "the base"); }),
            "USER ghost: no user 'ghost' in the base");
  EXPECT_EQ(ErrorOf([&] { ResolveUser("app:ghosts", passwd, group, "the base"); }),
            "USER app:ghosts: no group 'ghosts' in the base");
}

TEST(RuntimeUserTest, WritableDirectoriesMustBeAbsoluteAndNotSpecial) {
  EXPECT_EQ(CheckWritableDir("/var/cache/api/"), "var/cache/api");
  for (const char* bad : {"var/cache", "/", "/tmp", "/proc/x", "/dev", ""})
    EXPECT_NE(ErrorOf([&] { CheckWritableDir(bad); }).find("expected an absolute directory"),
              std::string::npos)
        << bad;
}

TEST(RuntimeUserTest, TreeOwnsHomeTmpAndWritableDirectories) {
  ScratchDir dir;
  RuntimeTree runtime{WithAccounts("", false), WithAccounts("", true), {65532, 65532},
                      {"/var/lib/api"}};
  std::vector<LayerEntry> entries = WriteRuntimeTree(runtime, dir / "tree");
  std::map<std::string, std::string> owners;
  for (const auto& e : entries) {
    ASSERT_TRUE(e.owner) << e.path;
    ASSERT_TRUE(PathExists(e.source)) << e.source;
    owners[e.path] = EntryLine(e).substr(EntryLine(e).rfind('\t') + 1);
  }
  EXPECT_EQ(owners["etc/passwd"], "0:0:0644\n");
  EXPECT_EQ(owners["tmp"], "0:0:1777\n");
  EXPECT_EQ(owners["home/nonroot"], "65532:65532:0700\n");
  EXPECT_EQ(owners["var/lib/api"], "65532:65532:0755\n");
  EXPECT_EQ(ReadFile(dir / "tree/etc/passwd"), runtime.passwd);
}

}  // namespace
}  // namespace ocimake
