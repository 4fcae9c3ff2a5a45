#include "image/sbom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "base/error.h"
#include "base/test_support.h"
#include "oci/json_fields.h"

namespace ocimake {
namespace {

using testing::ErrorOf;

SbomInput Input() {
  SbomInput in;
  in.image_name = "greeter";
  in.tag = "1.0";
  in.manifest_digest = Digest::Of("manifest");
  in.tool_version = "0.1";
  in.project_name = "fmt-greeter";
  in.toolchain = "host";
  in.toolchain_version = "GNU-12.2.0";
  in.base = SbomBase{"debian:12", Digest::Of("base")};
  in.debian_packages = {{"libfmt9", "9.1.0+ds1-2", "amd64", "NOASSERTION"}};
  in.files = {{"usr/local/bin/greeter", Digest::Of("app"), "aa", ""},
              {"usr/lib/x86_64-linux-gnu/libfmt.so.9.1.0", Digest::Of("fmt"), "bb", "libfmt9"}};
  return in;
}

json Doc(const SbomInput& in) { return ParseStrict(SpdxDocument(in), "sbom"); }

json Element(const json& list, const std::string& id) {
  for (const auto& e : list)
    if (e["SPDXID"] == id) return e;
  return nullptr;
}

bool Related(const json& doc, const std::string& from, const std::string& type,
             const std::string& to) {
  for (const auto& r : doc["relationships"])
    if (r["spdxElementId"] == from && r["relationshipType"] == type &&
        r["relatedSpdxElement"] == to)
      return true;
  return false;
}

TEST(SbomTest, DescribesTheImageByDigestAndPurl) {
  json doc = Doc(Input());
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["documentNamespace"],
            "https://ocimake.dev/spdx/greeter-" + Digest::Of("manifest").hex());
  EXPECT_EQ(doc["creationInfo"]["created"], "1970-01-01T00:00:00Z");
  json image = Element(doc["packages"], "SPDXRef-Image");
  EXPECT_EQ(image["checksums"][0]["checksumValue"], Digest::Of("manifest").hex());
  EXPECT_EQ(image["externalRefs"][0]["referenceLocator"],
            "pkg:oci/greeter@sha256%3A" + Digest::Of("manifest").hex() + "?tag=1.0");
  EXPECT_TRUE(Related(doc, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
  EXPECT_TRUE(Related(doc, "SPDXRef-Image", "DEPENDS_ON", "SPDXRef-Package-base"));
  EXPECT_TRUE(Related(doc, "SPDXRef-Package-toolchain-host", "BUILD_TOOL_OF", "SPDXRef-Image"));
}

TEST(SbomTest, FilesBelongToTheirPackages) {
  json doc = Doc(Input());
  json deb = Element(doc["packages"], "SPDXRef-Package-deb-libfmt9");
  EXPECT_EQ(deb["versionInfo"], "9.1.0+ds1-2");
  EXPECT_EQ(deb["externalRefs"][0]["referenceLocator"],
            "pkg:deb/debian/libfmt9@9.1.0+ds1-2?arch=amd64");
  EXPECT_TRUE(Related(doc, "SPDXRef-Package-deb-libfmt9", "CONTAINS",
                      "SPDXRef-File-usr-lib-x86-64-linux-gnu-libfmt.so.9.1.0"));
  EXPECT_TRUE(Related(doc, "SPDXRef-Package-project-fmt-greeter", "CONTAINS",
                      "SPDXRef-File-usr-local-bin-greeter"));
  json file = Element(doc["files"], "SPDXRef-File-usr-local-bin-greeter");
  EXPECT_EQ(file["fileName"], "./usr/local/bin/greeter");
  EXPECT_EQ(file["checksums"][1]["checksumValue"], Digest::Of("app").hex());
}

TEST(SbomTest, TheSameInputGivesTheSameBytesWhateverTheOrder) {
  SbomInput a = Input(), b = Input();
  std::swap(b.files[0], b.files[1]);
  EXPECT_EQ(SpdxDocument(a), SpdxDocument(b));
  a.epoch = 1700000000;
  EXPECT_EQ(Doc(a)["creationInfo"]["created"], "2023-11-14T22:13:20Z");
}

// The document is written array by array (no DOM of every file): it must
// still be exactly what one JSON value dumped with indent 2 is, sorted.
TEST(SbomTest, TheStreamedDocumentIsIndentedJsonWithSortedLists) {
  SbomInput in = Input();
  for (const char* path : {"a/\"quoted\"", "z/\x01ctl", "m/n", "usr/share/zoneinfo/Etc/GMT+1",
                           "usr/share/zoneinfo/Etc/GMT-1"})
    in.files.push_back({path, Digest::Of(path), "ee", path[0] == 'm' ? "libfmt9" : ""});
  std::string text = SpdxDocument(in);
  json doc = ParseStrict(text, "sbom");
  EXPECT_EQ(doc.dump(2) + "\n", text);
  auto sorted = [](const json& list, auto key) {
    return std::is_sorted(list.begin(), list.end(),
                          [&](const json& a, const json& b) { return key(a) < key(b); });
  };
  EXPECT_TRUE(sorted(doc["files"], [](const json& e) { return e["SPDXID"]; }));
  EXPECT_TRUE(sorted(doc["relationships"], [](const json& r) {
    return std::tuple<std::string, std::string, std::string>(
        r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]);
  }));
  EXPECT_EQ(doc["relationships"].size(), 5u + in.files.size());  // 5: the packages'
  in.files.clear();
  text = SpdxDocument(in);
  EXPECT_EQ(ParseStrict(text, "sbom").dump(2) + "\n", text);
  EXPECT_EQ(ParseStrict(text, "sbom")["files"], json::array());
}

TEST(SbomTest, ScratchAndNoToolchainLeaveThosePackagesOut) {
  SbomInput in = Input();
  in.base.reset();
  in.toolchain.clear();
  json doc = Doc(in);
  EXPECT_TRUE(Element(doc["packages"], "SPDXRef-Package-base").is_null());
  EXPECT_EQ(doc["packages"].size(), 3u);  // image, project, libfmt9
}

TEST(SbomTest, PathsThatSanitiseAlikeGetDistinctIds) {
  SbomInput in = Input();
  in.files.push_back({"usr/share/zoneinfo/Etc/GMT+1", Digest::Of("x"), "cc", ""});
  in.files.push_back({"usr/share/zoneinfo/Etc/GMT-1", Digest::Of("y"), "dd", ""});
  json doc = Doc(in);
  std::string plus = "SPDXRef-File-usr-share-zoneinfo-Etc-GMT-1-" +
                     Digest::Of("usr/share/zoneinfo/Etc/GMT+1").hex().substr(0, 12);
  EXPECT_EQ(Element(doc["files"], plus)["fileName"], "./usr/share/zoneinfo/Etc/GMT+1");
  EXPECT_TRUE(Related(doc, "SPDXRef-Package-project-fmt-greeter", "CONTAINS", plus));
  EXPECT_EQ(doc["files"].size(), 4u);
}

TEST(SbomTest, TwoPackagesWithTheSameIdFail) {
  SbomInput in = Input();
  in.debian_packages.push_back({"libstdc++6", "1", "amd64", "NOASSERTION"});
  in.debian_packages.push_back({"libstdc--6", "1", "amd64", "NOASSERTION"});
  EXPECT_NE(ErrorOf([&] { SpdxDocument(in); }).find("SPDXID"), std::string::npos);
}

TEST(SbomTest, FileDigestsReadBackWhatTheDocumentLists) {
  std::map<std::string, Digest> listed = SpdxFileDigests(SpdxDocument(Input()), "sbom");
  EXPECT_EQ(listed, (std::map<std::string, Digest>{
                        {"usr/local/bin/greeter", Digest::Of("app")},
                        {"usr/lib/x86_64-linux-gnu/libfmt.so.9.1.0", Digest::Of("fmt")}}));
  json doc = Doc(Input());
  doc["files"].push_back(doc["files"][0]);
  EXPECT_NE(ErrorOf([&] { SpdxFileDigests(doc.dump(), "sbom"); }).find("listed twice"),
            std::string::npos);
  doc = Doc(Input());
  doc["files"][0]["checksums"] = json::array();
  EXPECT_NE(ErrorOf([&] { SpdxFileDigests(doc.dump(), "sbom"); }).find("no SHA256"),
            std::string::npos);
  EXPECT_THROW(SpdxFileDigests("{\"files\": 1}", "sbom"), Error);
}

}  // namespace
}  // namespace ocimake
