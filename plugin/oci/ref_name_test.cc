#include "oci/ref_name.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/error.h"

namespace ocimake {
namespace {

Descriptor Named(const std::string& text) {
  Descriptor d;
  SetRefName(&d, text);
  return d;
}

// An entry as an earlier ocimake wrote it: the whole name in ref.name.
Descriptor OldForm(const std::string& text) {
  Descriptor d;
  d.annotations[kRefNameAnnotation] = text;
  return d;
}

TEST(RefNameTest, WritesTheTagAloneAndTheFullNameAsMobyDoes) {
  Descriptor d = Named("hello:1.0");
  EXPECT_EQ(d.annotations, (std::map<std::string, std::string>{
                               {kRefNameAnnotation, "1.0"},
                               {kImageNameAnnotation, "docker.io/library/hello:1.0"}}));
  d = Named("registry.example.com/team/api:2");
  EXPECT_EQ(d.annotations.at(kRefNameAnnotation), "2");
  EXPECT_EQ(d.annotations.at(kImageNameAnnotation), "registry.example.com/team/api:2");
  d = Named("127.0.0.1:5000/app");
  EXPECT_EQ(d.annotations.at(kRefNameAnnotation), "latest");
  EXPECT_EQ(d.annotations.at(kImageNameAnnotation), "127.0.0.1:5000/app:latest");
}

TEST(RefNameTest, BareTagDigestOnlyAndNone) {
  EXPECT_EQ(Named("test").annotations,
            (std::map<std::string, std::string>{{kRefNameAnnotation, "test"}}));
  std::string pinned = "ghcr.io/o/app@sha256:" + std::string(64, 'a');
  Descriptor d = Named(pinned);
  EXPECT_EQ(d.annotations, (std::map<std::string, std::string>{{kImageNameAnnotation, pinned}}));
  d = Named("hello:1.0");
  SetRefName(&d, "");
  EXPECT_TRUE(d.annotations.empty()) << "both annotations removed";
  EXPECT_THROW(Named("Hello:1.0"), Error) << "an invalid reference is not written";
}

TEST(RefNameTest, EitherFormReadsAsOneName) {
  RefName want{"docker.io/library/hello:1.0", "1.0"};
  EXPECT_EQ(EntryName(Named("hello:1.0")), want);
  EXPECT_EQ(EntryName(OldForm("hello:1.0")), want);
  EXPECT_EQ(EntryName(OldForm("docker.io/library/hello:1.0")), want);
  EXPECT_EQ(EntryName(OldForm("test")), (RefName{"", "test"}));
  EXPECT_EQ(EntryName(Descriptor{}), RefName{});
  EXPECT_EQ(RefNameText(OldForm("hello:1.0")), "docker.io/library/hello:1.0");
  EXPECT_EQ(RefNameText(Named("test")), "test");
  EXPECT_EQ(EntryName(OldForm("Not:A:Ref")), (RefName{"Not:A:Ref", ""})) << "kept as text";
}

TEST(RefNameTest, MatchesByFullNameOrByTag) {
  for (const Descriptor& d : {Named("hello:1.0"), OldForm("hello:1.0")}) {
    EXPECT_TRUE(Matches(d, "hello:1.0"));
    EXPECT_TRUE(Matches(d, "docker.io/library/hello:1.0"));
    EXPECT_TRUE(Matches(d, "1.0"));
    EXPECT_FALSE(Matches(d, "hello:2.0"));
    EXPECT_FALSE(Matches(d, "other:1.0"));
    EXPECT_FALSE(Matches(d, "hello"));
  }
  EXPECT_TRUE(Matches(Named("test"), "test"));
  EXPECT_FALSE(Matches(Named("test"), "x:test")) << "a bare tag has no full name";
  EXPECT_TRUE(Matches(OldForm("Not:A:Ref"), "Not:A:Ref"));
  EXPECT_FALSE(Matches(Descriptor{}, "latest"));
}

TEST(RefNameTest, FindNamedFailsOnAnAmbiguousTag) {
  Index index;
  index.manifests = {Named("a:latest"), OldForm("b:latest"), Named("a:1"), Descriptor{}};
  EXPECT_EQ(FindNamed(index, "", "l").size(), 4u);
  EXPECT_EQ(FindNamed(index, "b:latest", "l").size(), 1u);
  EXPECT_EQ(FindNamed(index, "1", "l").size(), 1u);
  EXPECT_TRUE(FindNamed(index, "2", "l").empty());
  try {
    FindNamed(index, "latest", "l");
    FAIL() << "ambiguous";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "l: tag 'latest' names 2 images (docker.io/library/a:latest, "
                 "docker.io/library/b:latest); name one in full, as NAME:TAG");
  }
}

TEST(RefNameTest, FamiliarName) {
  EXPECT_EQ(FamiliarName("docker.io/library/hello:1.0"), "hello:1.0");
  EXPECT_EQ(FamiliarName("docker.io/team/app:2"), "team/app:2");
  EXPECT_EQ(FamiliarName("ghcr.io/o/app:1"), "ghcr.io/o/app:1");
  EXPECT_EQ(FamiliarName("a30"), "a30");
}

}  // namespace
}  // namespace ocimake
