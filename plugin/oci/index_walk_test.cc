#include "oci/index_walk.h"

#include <gtest/gtest.h>

#include <map>

#include "base/test_support.h"
#include "oci/oci_json.h"
#include "oci/ref_name.h"

namespace ocimake {
namespace {

// Documents by digest, as a layout or a registry would hand them out.
class Store {
 public:
  Descriptor Add(const std::string& body, const char* type,
                 std::optional<Platform> platform = std::nullopt, const std::string& tag = "") {
    Descriptor d;
    d.media_type = type;
    d.digest = Digest::Of(body);
    d.size = static_cast<int64_t>(body.size());
    d.platform = platform;
    SetRefName(&d, tag);
    docs_[d.digest.str()] = body;
    return d;
  }
  Descriptor Image(const std::string& name, std::optional<Platform> platform = std::nullopt,
                   const std::string& tag = "") {
    Manifest m;
    m.config = Add("{\"name\":\"" + name + "\"}", media_type::kOciConfig);
    return Add(ToJson(m), media_type::kOciManifest, platform, tag);
  }
  Descriptor Nest(const std::vector<Descriptor>& entries,
                  std::optional<Platform> platform = std::nullopt, const std::string& tag = "") {
    Index i;
    i.manifests = entries;
    return Add(ToJson(i), media_type::kOciIndex, platform, tag);
  }
  std::string Read(const Descriptor& d) const { return docs_.at(d.digest.str()); }
  IndexReader Reader() const {
    return [this](const Descriptor& d, const std::string& what) -> std::optional<Index> {
      if (!IsIndexType(d.media_type)) return std::nullopt;
      return ParseIndex(Read(d), what);
    };
  }

 private:
  std::map<std::string, std::string> docs_;
};

using testing::ErrorOf;

const Platform kAmd64{"linux", "amd64", ""};
const Platform kArm64{"linux", "arm64", ""};

TEST(IndexWalkTest, IndexTypes) {
  EXPECT_TRUE(IsIndexType(media_type::kOciIndex));
  EXPECT_TRUE(IsIndexType(media_type::kDockerManifestList));
  EXPECT_FALSE(IsIndexType(media_type::kOciManifest));
}

TEST(IndexWalkTest, RootPicksByTag) {
  Store s;
  Index root;
  root.manifests = {s.Image("a", std::nullopt, "a:1"), s.Image("b", std::nullopt, "b:1.0")};
  WalkResult r = WalkFromRoot(root, "b:1.0", kAmd64, s.Reader(), "img");
  EXPECT_EQ(r.manifest.digest, root.manifests[1].digest);
  EXPECT_EQ(WalkFromRoot(root, "1.0", kAmd64, s.Reader(), "img").manifest.digest,
            root.manifests[1].digest)
      << "by the tag alone";
  EXPECT_EQ(FindNamed(root, "a:1", "img").size(), 1u);
  EXPECT_EQ(FindNamed(root, "", "img").size(), 2u);
  EXPECT_EQ(ErrorOf([&] { WalkFromRoot(root, "c", kAmd64, s.Reader(), "img"); }),
            "img: no image tagged 'c'");
}

TEST(IndexWalkTest, RootTagOfTwoNamesIsAmbiguous) {
  Store s;
  Index root;
  root.manifests = {s.Image("a", std::nullopt, "a:latest"), s.Image("b", std::nullopt, "b:latest")};
  EXPECT_EQ(ErrorOf([&] { WalkFromRoot(root, "latest", kAmd64, s.Reader(), "img"); }),
            "img: tag 'latest' names 2 images (docker.io/library/a:latest, "
            "docker.io/library/b:latest); name one in full, as NAME:TAG");
  EXPECT_EQ(WalkFromRoot(root, "b:latest", kAmd64, s.Reader(), "img").manifest.digest,
            root.manifests[1].digest);
}

TEST(IndexWalkTest, RootWithoutTagMustHoldOneImage) {
  Store s;
  Index root;
  EXPECT_EQ(ErrorOf([&] { WalkFromRoot(root, "", kAmd64, s.Reader(), "img"); }),
            "img: holds no image");
  root.manifests = {s.Image("a"), s.Image("b")};
  EXPECT_EQ(ErrorOf([&] { WalkFromRoot(root, "", kAmd64, s.Reader(), "img"); }),
            "img: holds 2 images; name one with :TAG");
  root.manifests = {s.Image("a", kArm64), s.Image("b", kAmd64)};
  EXPECT_EQ(WalkFromRoot(root, "", kAmd64, s.Reader(), "img").manifest.digest,
            root.manifests[1].digest)
      << "one image for the platform is not ambiguous";
}

TEST(IndexWalkTest, PlatformMatchPrefersNamedPlatforms) {
  Store s;
  Descriptor any = s.Image("any"), amd = s.Image("amd", kAmd64), arm = s.Image("arm", kArm64);
  Index i;
  i.manifests = {any, arm, amd};
  EXPECT_EQ(PickEntry(i, {"", kAmd64, false}, "x").digest, amd.digest);
  EXPECT_EQ(PickEntry(i, {"", Platform{"linux", "", ""}, false}, "x").digest, arm.digest)
      << "an empty field accepts any value; the first match is taken";
  i.manifests = {arm, any};
  EXPECT_EQ(PickEntry(i, {"", kAmd64, false}, "x").digest, any.digest)
      << "no match: an entry naming no platform";
  i.manifests = {arm};
  EXPECT_EQ(ErrorOf([&] { PickEntry(i, {"", Platform{"linux", "s390x", ""}, false}, "x"); }),
            "x: no image for platform linux/s390x (the index has: linux/arm64)");
  i.manifests = {};
  EXPECT_EQ(ErrorOf([&] { PickEntry(i, {"", kAmd64, false}, "x"); }),
            "x: no image for platform linux/amd64 (the index has: none with a platform)");
}

TEST(IndexWalkTest, NestedIndexDescendsAndKeepsThePlatform) {
  Store s;
  Descriptor amd = s.Image("amd", kAmd64);
  Descriptor inner = s.Nest({s.Image("arm", kArm64), amd});
  Index root;
  root.manifests = {s.Nest({inner}, std::nullopt, "multi")};
  WalkResult r = WalkFromRoot(root, "multi", kAmd64, s.Reader(), "img");
  EXPECT_EQ(r.manifest.digest, amd.digest);
  ASSERT_TRUE(r.platform.has_value());
  EXPECT_EQ(*r.platform, kAmd64);
  r = WalkToManifest(amd, kArm64, s.Reader(), "ref");
  EXPECT_EQ(r.manifest.digest, amd.digest) << "a manifest is taken as it is";
  std::string err = ErrorOf([&] { WalkToManifest(inner, Platform{"linux", "386", ""},
                                                 s.Reader(), "ref"); });
  EXPECT_EQ(err, "ref index " + inner.digest.str() +
                     ": no image for platform linux/386 (the index has: linux/arm64, linux/amd64)");
}

// A chain of `levels` indexes above one image.
Descriptor Chain(Store& s, int levels) {
  Descriptor d = s.Image("deep", kAmd64);
  for (int i = 0; i < levels; ++i) d = s.Nest({d});
  return d;
}

TEST(IndexWalkTest, DepthLimit) {
  Store s;
  EXPECT_EQ(WalkToManifest(Chain(s, kMaxIndexDepth), kAmd64, s.Reader(), "r").manifest.platform,
            kAmd64);
  Descriptor too_deep = Chain(s, kMaxIndexDepth + 1);
  std::string err = ErrorOf([&] { WalkToManifest(too_deep, kAmd64, s.Reader(), "r"); });
  EXPECT_NE(err.find(": indexes nested deeper than 4"), std::string::npos) << err;
  auto read = [&](const Descriptor& d) { return s.Read(d); };
  int visited = 0;
  VisitTree(Chain(s, kMaxIndexDepth), read, [&](const TreeNode&) { ++visited; }, "l");
  EXPECT_EQ(visited, kMaxIndexDepth + 1);
  err = ErrorOf([&] { VisitTree(too_deep, read, [](const TreeNode&) {}, "l"); });
  EXPECT_NE(err.find(": indexes nested deeper than 4"), std::string::npos) << err;
}

TEST(IndexWalkTest, VisitTreeGoesChildrenFirst) {
  Store s;
  Descriptor a = s.Image("a", kAmd64), b = s.Image("b", kArm64);
  Descriptor top = s.Nest({a, b});
  top.media_type = media_type::kOciManifest;  // the document's own media type wins
  std::vector<std::string> order;
  VisitTree(top, [&](const Descriptor& d) { return s.Read(d); }, [&](const TreeNode& n) {
    order.push_back(n.descriptor.digest.str());
    EXPECT_EQ(n.manifest.has_value(), n.descriptor.digest != top.digest);
    if (n.descriptor.digest == top.digest) {
      EXPECT_EQ(n.descriptor.media_type, media_type::kOciIndex);
    }
  }, "l");
  EXPECT_EQ(order, (std::vector<std::string>{a.digest.str(), b.digest.str(), top.digest.str()}));
}

}  // namespace
}  // namespace ocimake
