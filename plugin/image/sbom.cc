#include "image/sbom.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include "base/error.h"
#include "base/strings.h"
#include "oci/json_fields.h"
#include "oci/referrers.h"

namespace ocimake {

namespace {

constexpr const char* kNoAssertion = "NOASSERTION";
constexpr const char* kImageId = "SPDXRef-Image";

json Checksum(const char* algorithm, const std::string& hex) {
  return {{"algorithm", algorithm}, {"checksumValue", hex}};
}

json Purl(const std::string& locator) {
  return json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                       {"referenceType", "purl"},
                       {"referenceLocator", locator}}});
}

// A package with the fields every one of ours has.
json Package(const std::string& id, const std::string& name, const std::string& version) {
  return {{"SPDXID", id},
          {"name", name},
          {"versionInfo", version.empty() ? kNoAssertion : version},
          {"downloadLocation", kNoAssertion},
          {"filesAnalyzed", false},
          {"licenseConcluded", kNoAssertion},
          {"licenseDeclared", kNoAssertion},
          {"copyrightText", kNoAssertion},
          {"supplier", kNoAssertion}};
}

// "pkg:oci/greeter@sha256%3A<hex>?tag=1.0" (purl percent-encodes the ':').
std::string OciPurl(const std::string& name, const Digest& digest, const std::string& tag) {
  std::string purl = "pkg:oci/" + name + "@sha256%3A" + digest.hex();
  return tag.empty() ? purl : purl + "?tag=" + tag;
}

json ImagePackage(const SbomInput& in) {
  json p = Package(kImageId, in.image_name, in.tag);
  p["checksums"] = json::array({Checksum("SHA256", in.manifest_digest.hex())});
  p["externalRefs"] = Purl(OciPurl(in.image_name, in.manifest_digest, in.tag));
  p["primaryPackagePurpose"] = "CONTAINER";
  return p;
}

json DebianPackageJson(const DebianPackage& d) {
  json p = Package(SpdxId("SPDXRef-Package-deb-", d.name), d.name, d.version);
  p["supplier"] = "Organization: Debian";
  p["licenseDeclared"] = d.license.empty() ? kNoAssertion : d.license;
  p["externalRefs"] = Purl("pkg:deb/debian/" + d.name + "@" + d.version + "?arch=" +
                           d.architecture);
  p["primaryPackagePurpose"] = "LIBRARY";
  return p;
}

// The SPDXID of each file: SpdxId of its path, and where two paths would
// share one ("Etc/GMT+1", "Etc/GMT-1"), each with a suffix of its path's
// sha256.
std::map<std::string, std::string> FileIds(const std::vector<SbomFile>& files) {
  std::map<std::string, int> count;
  for (const auto& f : files) ++count[SpdxId("SPDXRef-File-", f.path)];
  std::map<std::string, std::string> ids;
  for (const auto& f : files) {
    std::string id = SpdxId("SPDXRef-File-", f.path);
    ids[f.path] = count[id] > 1 ? id + "-" + Digest::Of(f.path).hex().substr(0, 12) : id;
  }
  return ids;
}

json FileJson(const SbomFile& f, const std::string& id) {
  return {{"SPDXID", id},
          {"fileName", "./" + f.path},
          {"checksums", json::array({Checksum("SHA1", f.sha1),
                                     Checksum("SHA256", f.sha256.hex())})},
          {"licenseConcluded", kNoAssertion},
          {"copyrightText", kNoAssertion}};
}

using Relationship = std::tuple<std::string, std::string, std::string>;  // from, type, to

std::string ProjectId(const SbomInput& in) { return SpdxId("SPDXRef-Package-project-", in.project_name); }

// The packages other than the Debian ones, with their relationships.
void AddBuildPackages(const SbomInput& in, json* packages, std::set<Relationship>* rels) {
  packages->push_back(ImagePackage(in));
  json project = Package(ProjectId(in), in.project_name, in.project_version);
  project["primaryPackagePurpose"] = "APPLICATION";
  packages->push_back(project);
  rels->insert({kImageId, "CONTAINS", ProjectId(in)});
  if (in.base) {
    json base = Package("SPDXRef-Package-base", in.base->reference, "");
    base["checksums"] = json::array({Checksum("SHA256", in.base->digest.hex())});
    base["primaryPackagePurpose"] = "CONTAINER";
    packages->push_back(base);
    rels->insert({kImageId, "DEPENDS_ON", "SPDXRef-Package-base"});
  }
  if (!in.toolchain.empty()) {
    std::string id = SpdxId("SPDXRef-Package-toolchain-", in.toolchain);
    json tool = Package(id, in.toolchain, in.toolchain_version);
    tool["primaryPackagePurpose"] = "APPLICATION";
    packages->push_back(tool);
    rels->insert({id, "BUILD_TOOL_OF", kImageId});
  }
}

json RelationshipsJson(const std::set<Relationship>& rels) {
  json out = json::array();
  for (const auto& [from, type, to] : rels)
    out.push_back({{"spdxElementId", from},
                   {"relationshipType", type},
                   {"relatedSpdxElement", to}});
  return out;
}

// Fails when two files (or packages) would share an SPDXID ("a_b", "a-b").
void RequireUniqueIds(const json& elements, const char* what) {
  std::set<std::string> seen;
  for (const auto& e : elements)
    if (!seen.insert(e["SPDXID"].get<std::string>()).second)
      Fail("SBOM: two {} have the SPDXID {} (names differing only in characters outside "
           "[A-Za-z0-9.-])", what, e["SPDXID"].get<std::string>());
}

}  // namespace

std::string SpdxId(const std::string& prefix, const std::string& name) {
  std::string id = prefix;
  for (char c : name) id += isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-';
  return id;
}

std::string SpdxTime(int64_t epoch) {
  time_t t = static_cast<time_t>(epoch);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string SpdxDocument(const SbomInput& in) {
  json packages = json::array(), files = json::array();
  std::set<Relationship> rels = {{"SPDXRef-DOCUMENT", "DESCRIBES", kImageId}};
  AddBuildPackages(in, &packages, &rels);
  for (const auto& d : in.debian_packages) {
    packages.push_back(DebianPackageJson(d));
    rels.insert({kImageId, "CONTAINS", SpdxId("SPDXRef-Package-deb-", d.name)});
  }
  std::map<std::string, std::string> file_ids = FileIds(in.files);
  for (const auto& f : in.files) {
    files.push_back(FileJson(f, file_ids[f.path]));
    std::string owner = f.package.empty() ? ProjectId(in) : SpdxId("SPDXRef-Package-deb-", f.package);
    rels.insert({owner, "CONTAINS", file_ids[f.path]});
  }
  auto by_id = [](const json& a, const json& b) { return a["SPDXID"] < b["SPDXID"]; };
  std::sort(packages.begin(), packages.end(), by_id);
  std::sort(files.begin(), files.end(), by_id);
  RequireUniqueIds(packages, "packages");
  RequireUniqueIds(files, "files");
  json doc = {{"spdxVersion", "SPDX-2.3"},
              {"dataLicense", "CC0-1.0"},
              {"SPDXID", "SPDXRef-DOCUMENT"},
              {"name", in.image_name + (in.tag.empty() ? "" : ":" + in.tag)},
              {"documentNamespace", "https://ocimake.dev/spdx/" + in.image_name + "-" +
                                        in.manifest_digest.hex()},
              {"creationInfo", {{"created", SpdxTime(in.epoch)},
                                {"creators", json::array({"Tool: ocimake-" + in.tool_version})}}},
              {"packages", packages},
              {"files", files},
              {"relationships", RelationshipsJson(rels)}};
  return doc.dump(2) + "\n";
}

}  // namespace ocimake

namespace ocimake {

std::map<std::string, Digest> SpdxFileDigests(std::string_view document, const std::string& what) {
  json doc = ParseStrict(document, what, static_cast<size_t>(kMaxDocumentBytes));
  std::map<std::string, Digest> out;
  auto files = doc.find("files");
  if (files == doc.end()) return out;
  if (!files->is_array()) Fail("{}: \"files\" must be an array", what);
  for (const auto& f : *files) {
    std::string name = GetString(f, "fileName", what);
    if (!StartsWith(name, "./")) Fail("{}: fileName '{}': expected ./<path>", what, name);
    std::optional<Digest> sha256;
    for (const auto& c : Member(f, "checksums", what))
      if (GetString(c, "algorithm", what) == "SHA256")
        sha256 = WithContext(what + ": " + name, [&] {
          return Digest::FromHex(GetString(c, "checksumValue", what));
        });
    if (!sha256) Fail("{}: {}: no SHA256 checksum", what, name);
    if (!out.emplace(name.substr(2), *sha256).second)
      Fail("{}: {} is listed twice", what, name);
  }
  return out;
}

}  // namespace ocimake
