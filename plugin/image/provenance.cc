#include "image/provenance.h"

#include "base/error.h"
#include "base/strings.h"
#include "oci/json_fields.h"

namespace ocimake {

namespace {

// {"NAME": {"type": T, "value": V}} of -DNAME[:TYPE]=value lines; a later
// line wins, as on cmake's command line.
json CacheVariables(const std::vector<std::string>& defines) {
  json vars = json::object();
  for (const auto& line : defines) {
    size_t eq = line.find('=');
    if (!StartsWith(line, "-D") || eq == std::string::npos || eq == 2)
      Fail("cache variable '{}': expected -DNAME[:TYPE]=value", line);
    std::string name = line.substr(2, eq - 2);
    json entry = json::object();
    if (size_t colon = name.find(':'); colon != std::string::npos) {
      entry["type"] = name.substr(colon + 1);
      name.resize(colon);
    }
    entry["value"] = line.substr(eq + 1);
    vars[name] = entry;
  }
  return vars;
}

json ExternalParameters(const ProvenanceInput& in) {
  json p = json::object();
  p["image"] = in.settings_json.empty() ? json::object()
                                        : ParseStrict(in.settings_json, "image settings");
  p["base"] = in.base;
  p["platforms"] = in.platforms;
  if (!in.toolchain.empty()) p["toolchain"] = in.toolchain;
  return p;
}

json Dependency(const ProvenanceDependency& d) {
  json j = json::object();
  if (!d.name.empty()) j["name"] = d.name;
  if (!d.uri.empty()) j["uri"] = d.uri;
  if (!d.digest.empty()) j["digest"] = d.digest;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  return j;
}

}  // namespace

std::string ProvenanceJson(const ProvenanceInput& in) {
  json dependencies = json::array();
  for (const auto& d : in.dependencies) dependencies.push_back(Dependency(d));
  json build_definition = {
      {"buildType", kProvenanceBuildType},
      {"externalParameters", ExternalParameters(in)},
      {"internalParameters", {{"cacheVariables", CacheVariables(in.defines)}}},
      {"resolvedDependencies", dependencies}};
  json predicate = {
      {"buildDefinition", build_definition},
      {"runDetails",
       {{"builder", {{"id", "https://ocimake.dev/builder/ocimake@" + in.version}}}}}};
  json subject = {{"name", in.subject_name}, {"digest", {{"sha256", in.subject_sha256}}}};
  json statement = {{"_type", "https://in-toto.io/Statement/v1"},
                    {"subject", json::array({subject})},
                    {"predicateType", "https://slsa.dev/provenance/v1"},
                    {"predicate", predicate}};
  return Dump(statement) + "\n";
}

ProvenanceDependency GitSourceDependency(const std::string& remote, const std::string& commit,
                                         bool dirty) {
  return {"source", "git+" + remote + "@" + commit, {{"gitCommit", commit}},
          {{"dirty", dirty ? "true" : "false"}}};
}

ProvenanceDependency ToolchainDependency(const std::string& name, std::string_view rootfs) {
  std::string root = Trim(rootfs);
  std::vector<std::string> parts = Split(root, '/');
  size_t n = parts.size();
  if (n >= 3 && parts[n - 1] == "rootfs" && parts[n - 3] == "toolchains")
    return {"toolchain:" + name, "ocimake-toolchain:" + name,
            {{"ocimakeToolchainKey", parts[n - 2]}}, {}};
  return {"toolchain:" + name, "file://" + root, {}, {}};
}

}  // namespace ocimake
