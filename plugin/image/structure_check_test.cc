#include "image/structure_check.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/fs_util.h"
#include "base/test_support.h"
#include "image/image_builder.h"
#include "layer/layer_entries.h"
#include "layer/layer_writer.h"
#include "oci/oci_layout.h"

namespace ocimake {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteTestFile;
using testing::WriteTestTar;
using Lines = std::vector<std::string>;

// An image built layer by layer in a scratch layout.
struct TestImage {
  ScratchDir tmp;
  OciLayout layout = OciLayout::Create(tmp / "layout");
  std::vector<LayerDescriptor> layers;

  // A layer of crafted tar entries (WriteTestTar's "KIND:NAME[:ARG]").
  void AddTar(const std::vector<std::string>& entries) {
    std::string tar = tmp / ("layer" + std::to_string(layers.size()) + ".tar");
    WriteTestTar(tar, entries);
    LayerDescriptor l;
    l.descriptor = layout.WriteBlob(ReadFile(tar), media_type::kOciLayer);
    l.diff_id = l.descriptor.digest;
    l.created_by = "test layer";
    l.entries = static_cast<int64_t>(entries.size());
    layers.push_back(l);
  }
  // A layer as ocimake writes one (gzip), of host files with owners.
  void AddEntries(std::vector<LayerEntry> entries) {
    layers.push_back(WriteLayerBlob(CompleteAndSort(std::move(entries)), {}, layout));
  }
  LoadedImage Write(ImageSettings settings = {}) {
    ImageRequest r;
    r.layers = layers;
    settings.tag = "test";
    r.settings = settings;
    WriteImage(layout, r);
    return LoadImage(tmp / "layout", "test", Platform{});
  }
};

// Every failure of `checks` on `image`.
Lines Check(const LoadedImage& image, const StructureChecks& checks) {
  return CheckStructure(image, checks);
}

TEST(StructureCheckTest, ConfigChecksNameTheCheckThatFails) {
  TestImage t;
  t.AddTar({"f:app:x"});
  ImageSettings s;
  s.user = "0:0";
  s.entrypoint = std::vector<std::string>{"/app", "--serve"};
  s.env = {"MODE=prod", "EMPTY="};
  s.expose = {"8080", "53/udp"};
  s.labels = {{"team", "core"}};
  LoadedImage img = t.Write(s);

  StructureChecks pass;
  pass.user = "0:0";
  pass.entrypoint = std::vector<std::string>{"/app", "--serve"};
  pass.env = {"MODE=prod", "MODE", "EMPTY=", "PATH"};
  pass.exposes = {"8080", "8080/tcp", "53/udp"};
  pass.image_labels = {"team=core", "team"};
  EXPECT_EQ(Check(img, pass), Lines{});

  StructureChecks fail;
  fail.user = "65532";
  fail.entrypoint = std::vector<std::string>{"/app"};
  fail.env = {"MODE=dev", "DEBUG"};
  fail.exposes = {"9090", "53"};
  fail.image_labels = {"team=web", "owner"};
  EXPECT_EQ(Check(img, fail),
            (Lines{R"(USER: "0:0", expected "65532")",
                   R"(ENTRYPOINT: ["/app","--serve"], expected ["/app"])",
                   R"(ENV: MODE="prod", expected "dev")", "ENV: DEBUG is not set",
                   "EXPOSES: 9090/tcp is not exposed (exposed: 53/udp 8080/tcp)",
                   "EXPOSES: 53/tcp is not exposed (exposed: 53/udp 8080/tcp)",
                   R"(IMAGE_LABELS: team="core", expected "web")",
                   "IMAGE_LABELS: owner is not set"}));
  EXPECT_EQ(CountChecks(fail), 8u);
}

TEST(StructureCheckTest, BareUidMatchesTheUidOfUidGid) {
  TestImage t;
  t.AddTar({"f:app:x"});
  LoadedImage img = t.Write();  // the default user: 65532:65532
  ASSERT_EQ(img.config.config.user, "65532:65532");
  StructureChecks c;
  for (std::string user : {"65532", "65532:65532"}) {
    c.user = user;
    EXPECT_EQ(Check(img, c), Lines{}) << user;
  }
  c.user = "65532:0";
  EXPECT_EQ(Check(img, c), Lines{R"(USER: "65532:65532", expected "65532:0")"});
  c.user = "0";
  EXPECT_EQ(Check(img, c), Lines{R"(USER: "65532:65532", expected "0")"});
  c.user.reset();
  c.entrypoint = std::vector<std::string>{"/app"};
  EXPECT_EQ(Check(img, c), Lines{R"(ENTRYPOINT: none, expected ["/app"])"});
  c.entrypoint = std::vector<std::string>{};
  EXPECT_EQ(Check(img, c), Lines{}) << "[] expects no entrypoint";
}

// Three layers: a base, one deleting and replacing, one hiding a directory.
LoadedImage LayeredImage(TestImage& t) {
  t.AddTar({"d:etc", "f:etc/a:one", "f:etc/b:two", "d:opt", "f:opt/x:1", "d:bin", "f:bin/sh:sh",
            "d:usr", "d:usr/lib", "f:usr/lib/libc:c", "l:lib:usr/lib", "d:var", "f:var/log:l"});
  t.AddTar({"f:etc/.wh.a:", "f:etc/b:TWO\nthree\n", "d:opt", "f:opt/.wh..wh..opq:",
            "f:opt/y:22", "f:var:now a file", "h:bin/dash:bin/sh"});
  t.AddTar({"f:.wh.usr:"});
  return t.Write();
}

TEST(StructureCheckTest, FilesOfTheMergedTreeWhiteoutsApplied) {
  TestImage t;
  LoadedImage img = LayeredImage(t);
  StructureChecks pass;
  pass.files_present = {"/etc/b", "/opt/y", "/bin/sh", "/etc", "/./etc//b", "/lib", "/var"};
  pass.files_absent = {"/etc/a", "/opt/x", "/usr/lib/libc", "/usr", "/var/log", "/nope"};
  EXPECT_EQ(Check(img, pass), Lines{});

  StructureChecks fail;
  fail.files_present = {"/etc/a", "/lib/libc"};
  fail.files_absent = {"/bin/sh", "/opt"};
  EXPECT_EQ(Check(img, fail),
            (Lines{"FILES_PRESENT: /etc/a is absent", "FILES_PRESENT: /lib/libc is absent",
                   "FILES_ABSENT: /bin/sh is present", "FILES_ABSENT: /opt is present"}))
      << "a symlink on the way (/lib -> usr/lib) is not followed";
}

TEST(StructureCheckTest, ContentOfTheLatestLayer) {
  TestImage t;
  LoadedImage img = LayeredImage(t);
  StructureChecks c;
  c.file_contents = {"/etc/b=^three$", "/etc/b=TWO", "/bin/dash=^sh$", "/var=file"};
  EXPECT_EQ(Check(img, c), Lines{}) << "a multiline search; a hardlink reads its target";
  c.file_contents = {"/etc/b=two", "/etc=x", "/lib=x", "/etc/a=one"};
  EXPECT_EQ(Check(img, c),
            (Lines{R"(FILE_CONTENT: /etc/b does not match "two")",
                   "FILE_CONTENT: /etc is a dir, not a regular file",
                   "FILE_CONTENT: /lib is a symlink, not a regular file",
                   "FILE_CONTENT: /etc/a is absent"}));
}

TEST(StructureCheckTest, ModeAndOwner) {
  TestImage t;
  WriteTestFile(t.tmp / "src/api", "#!/bin/true\n", 0755);
  WriteTestFile(t.tmp / "src/conf", "x=1\n");
  t.AddEntries({{"usr/local/bin/api", t.tmp / "src/api", EntryOwner{0, 0, 0700}},
                {"etc/app.conf", t.tmp / "src/conf", EntryOwner{65532, 65533, 0640}},
                {"usr/local/bin/tool", t.tmp / "src/api"}});
  LoadedImage img = t.Write();
  StructureChecks c;
  c.file_modes = {"/usr/local/bin/api=0700", "/etc/app.conf=640", "/usr/local/bin/tool=0755",
                  "/usr/local/bin=0755"};
  c.file_owners = {"/etc/app.conf=65532:65533", "/usr/local/bin/api=0:0"};
  EXPECT_EQ(Check(img, c), Lines{});
  c.file_modes = {"/usr/local/bin/api=0755", "/missing=0644"};
  c.file_owners = {"/etc/app.conf=0:0", "/missing=0:0"};
  EXPECT_EQ(Check(img, c), (Lines{"FILE_MODE: /usr/local/bin/api is 0700, expected 0755",
                                  "FILE_MODE: /missing is absent",
                                  "FILE_OWNER: /etc/app.conf is 65532:65533, expected 0:0",
                                  "FILE_OWNER: /missing is absent"}));
}

TEST(StructureCheckTest, SizeLimits) {
  TestImage t;
  LoadedImage img = LayeredImage(t);
  uint64_t compressed = 0;
  for (const auto& l : img.manifest.layers) compressed += l.size;
  // The regular files left: etc/b, opt/y, bin/sh, var (bin/dash is a link).
  uint64_t unpacked = std::string("TWO\nthree\n22shnow a file").size();
  StructureChecks c;
  c.max_size = std::to_string(compressed);
  c.max_unpacked_size = std::to_string(unpacked);
  EXPECT_EQ(Check(img, c), Lines{});
  c.max_size = std::to_string(compressed - 1);
  c.max_unpacked_size = "0.01kB";
  EXPECT_EQ(Check(img, c),
            (Lines{fmt::format("MAX_SIZE: {} bytes of compressed layers is over {} bytes",
                               compressed, compressed - 1),
                   fmt::format("MAX_UNPACKED_SIZE: {:.1f} kB ({} bytes of regular files) is "
                               "over 0.01 kB",
                               unpacked / 1000.0, unpacked)}));
}

TEST(StructureCheckTest, ParseSizeUnits) {
  EXPECT_EQ(ParseSize("1000", "MAX_SIZE"), 1000u);
  EXPECT_EQ(ParseSize("20MB", "MAX_SIZE"), 20000000u);
  EXPECT_EQ(ParseSize("1.5 GB", "MAX_SIZE"), 1500000000u);
  EXPECT_EQ(ParseSize("64MiB", "MAX_SIZE"), 64u << 20);
  EXPECT_EQ(ParseSize("2KiB", "MAX_SIZE"), 2048u);
  EXPECT_EQ(ParseSize("3kB", "MAX_SIZE"), 3000u);
  EXPECT_EQ(ParseSize("500M", "MAX_SIZE"), 500u << 20);  // du's and docker's forms
  EXPECT_EQ(ParseSize("10G", "MAX_SIZE"), 10ull << 30);
  EXPECT_EQ(ParseSize("2T", "MAX_SIZE"), 2ull << 40);
  for (std::string bad : {"20XB", "MB", "-1", "1e3", "20 mb", ""})
    EXPECT_EQ(ErrorOf([&] { ParseSize(bad, "MAX_SIZE"); }),
              "MAX_SIZE: bad size \"" + bad +
                  "\": expected a number of bytes, or one with kB, MB, GB (1000-based), "
                  "KiB, MiB, GiB, or K, M, G, T (1024-based)");
}

TEST(StructureCheckTest, MalformedChecksAreErrorsNamingThem) {
  auto error = [](auto set) {
    StructureChecks c;
    set(c);
    return ErrorOf([&] { ValidateChecks(c); });
  };
  EXPECT_EQ(error([](StructureChecks& c) { c.files_absent = {"bin/sh"}; }),
            "FILES_ABSENT: bin/sh: expected an absolute path");
  EXPECT_EQ(error([](StructureChecks& c) { c.file_modes = {"/x=0855"}; }),
            "FILE_MODE: /x=0855: expected an octal mode like 0755");
  EXPECT_EQ(error([](StructureChecks& c) { c.file_owners = {"/x=root"}; }),
            "FILE_OWNER: /x=root: expected <path>=<uid>:<gid> (numbers)");
  EXPECT_EQ(error([](StructureChecks& c) { c.file_contents = {"/x"}; }),
            "FILE_CONTENT: /x: expected <path>=<regex>");
  EXPECT_EQ(error([](StructureChecks& c) { c.file_contents = {"/x=("}; }).rfind(
                "FILE_CONTENT: /x=(: bad regular expression (", 0),
            0u);
  EXPECT_EQ(error([](StructureChecks& c) { c.exposes = {"80/http"}; }),
            "EXPOSES: 80/http: expected a port like 8080, 8080/tcp or 53/udp");
  EXPECT_EQ(error([](StructureChecks& c) { c.max_unpacked_size = "big"; }).rfind(
                "MAX_UNPACKED_SIZE: bad size \"big\"", 0),
            0u);
}

}  // namespace
}  // namespace ocimake
