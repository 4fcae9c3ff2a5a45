#include "image/provenance.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "oci/json_fields.h"

namespace ocimake {
namespace {

ProvenanceInput SampleInput() {
  ProvenanceInput in;
  in.subject_name = "hello:1.0";
  in.subject_sha256 = std::string(64, 'a');
  in.settings_json = R"({"tag":"hello:1.0","entrypoint":["/usr/local/bin/hello"]})";
  in.toolchain = "gcc";
  in.base = "scratch";
  in.platforms = {"linux/amd64", "linux/arm64"};
  in.defines = {"-DWITH_TLS:BOOL=ON", "-DGREETING:STRING=hi", "-DGREETING=hello"};
  in.dependencies = {GitSourceDependency("file:///src", "0123abcd", false)};
  in.version = "1.2.3";
  return in;
}

json Parsed(const ProvenanceInput& in) { return ParseStrict(ProvenanceJson(in), "statement"); }

TEST(Provenance, StatementAndSubject) {
  json j = Parsed(SampleInput());
  EXPECT_EQ(j["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ(j["predicateType"], "https://slsa.dev/provenance/v1");
  ASSERT_EQ(j["subject"].size(), 1u);
  EXPECT_EQ(j["subject"][0]["name"], "hello:1.0");
  EXPECT_EQ(j["subject"][0]["digest"]["sha256"], std::string(64, 'a'));
  EXPECT_EQ(j["predicate"]["runDetails"]["builder"]["id"],
            "https://ocimake.dev/builder/ocimake@1.2.3");
}

TEST(Provenance, BuildDefinitionHoldsTheDeclaration) {
  json d = Parsed(SampleInput())["predicate"]["buildDefinition"];
  EXPECT_EQ(d["buildType"], kProvenanceBuildType);
  json ext = d["externalParameters"];
  EXPECT_EQ(ext["image"]["entrypoint"][0], "/usr/local/bin/hello");
  EXPECT_EQ(ext["toolchain"], "gcc");
  EXPECT_EQ(ext["base"], "scratch");
  EXPECT_EQ(ext["platforms"], json({"linux/amd64", "linux/arm64"}));
}

TEST(Provenance, CacheVariablesLaterLineWins) {
  json vars =
      Parsed(SampleInput())["predicate"]["buildDefinition"]["internalParameters"]["cacheVariables"];
  EXPECT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars["WITH_TLS"], json({{"type", "BOOL"}, {"value", "ON"}}));
  EXPECT_EQ(vars["GREETING"], json({{"value", "hello"}}));
}

TEST(Provenance, NoToolchainNoToolchainKey) {
  ProvenanceInput in = SampleInput();
  in.toolchain.clear();
  in.defines.clear();
  json d = Parsed(in)["predicate"]["buildDefinition"];
  EXPECT_FALSE(d["externalParameters"].contains("toolchain"));
  EXPECT_TRUE(d["internalParameters"]["cacheVariables"].empty());
}

TEST(Provenance, GitSource) {
  json dep = Parsed(SampleInput())["predicate"]["buildDefinition"]["resolvedDependencies"][0];
  EXPECT_EQ(dep["uri"], "git+file:///src@0123abcd");
  EXPECT_EQ(dep["digest"]["gitCommit"], "0123abcd");
  EXPECT_EQ(dep["annotations"]["dirty"], "false");
  EXPECT_EQ(GitSourceDependency("https://x/y.git", "ff", true).annotations.at("dirty"), "true");
}

TEST(Provenance, CanonicalAndDeterministic) {
  std::string a = ProvenanceJson(SampleInput());
  EXPECT_EQ(a, ProvenanceJson(SampleInput()));
  EXPECT_EQ(a.find('\n'), a.size() - 1);
  EXPECT_EQ(a.rfind("{\"_type\":", 0), 0u);  // keys sorted: _type first
  EXPECT_EQ(a.find("startedOn"), std::string::npos);
  EXPECT_EQ(a.find("finishedOn"), std::string::npos);
}

TEST(Provenance, ToolchainByKeyOrPath) {
  ProvenanceDependency cached =
      ToolchainDependency("gcc", "/home/u/.cache/ocimake/toolchains/0f1e2d3c/rootfs\n");
  EXPECT_EQ(cached.uri, "ocimake-toolchain:gcc");
  EXPECT_EQ(cached.digest.at("ocimakeToolchainKey"), "0f1e2d3c");
  ProvenanceDependency dir = ToolchainDependency("local", "/opt/sysroot");
  EXPECT_EQ(dir.uri, "file:///opt/sysroot");
  EXPECT_TRUE(dir.digest.empty());
}

TEST(Provenance, BadDefineLineFails) {
  ProvenanceInput in = SampleInput();
  in.defines = {"WITH_TLS=ON"};
  EXPECT_THROW(ProvenanceJson(in), Error);
}

}  // namespace
}  // namespace ocimake
