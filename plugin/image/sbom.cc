#include "image/sbom.h"

#include <algorithm>
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

// The indices of `keys`, ordered by their key.
std::vector<uint32_t> SortedBy(const std::vector<std::string>& keys) {
  std::vector<uint32_t> order(keys.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  return order;
}

// The SPDXID of each file (in the order of `files`): SpdxId of its path,
// and where two paths would share one ("Etc/GMT+1", "Etc/GMT-1"), each with
// a suffix of its path's sha256.
std::vector<std::string> FileIds(const std::vector<SbomFile>& files) {
  std::vector<std::string> ids;
  ids.reserve(files.size());
  for (const auto& f : files) ids.push_back(SpdxId("SPDXRef-File-", f.path));
  std::vector<uint32_t> order = SortedBy(ids);
  std::vector<bool> shared(files.size());
  for (size_t k = 1; k < order.size(); ++k)
    if (ids[order[k]] == ids[order[k - 1]]) shared[order[k]] = shared[order[k - 1]] = true;
  for (size_t i = 0; i < files.size(); ++i)
    if (shared[i]) ids[i] += "-" + Digest::Of(files[i].path).hex().substr(0, 12);
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

json RelationshipJson(const Relationship& r) {
  return {{"spdxElementId", std::get<0>(r)},
          {"relationshipType", std::get<1>(r)},
          {"relatedSpdxElement", std::get<2>(r)}};
}

// An array at the second level of the document, written element by element
// as json::dump(2) would write it (each element's own dump indented by 4):
// the files and their relationships are never one DOM (about 6.5 KB a file).
class IndentedArray {
 public:
  explicit IndentedArray(std::string* out) : out_(out) { *out_ += "["; }
  void Add(const json& element) {
    *out_ += empty_ ? "\n" : ",\n";
    empty_ = false;
    std::string text = element.dump(2);
    for (size_t start = 0; start < text.size();) {
      size_t end = std::min(text.find('\n', start), text.size() - 1) + 1;
      out_->append("    ").append(text, start, end - start);
      start = end;
    }
  }
  void Close() { *out_ += empty_ ? "]" : "\n  ]"; }

 private:
  std::string* out_;
  bool empty_ = true;
};

// The files' SPDXIDs and the package each belongs to.
struct FileTable {
  std::vector<std::string> ids;     // per file
  std::vector<uint32_t> owner;      // per file, an index into owner_ids
  std::vector<std::string> owner_ids;
};

FileTable MakeFileTable(const SbomInput& in) {
  FileTable t{FileIds(in.files), {}, {ProjectId(in)}};
  std::map<std::string, uint32_t> by_package = {{"", 0}};
  t.owner.reserve(in.files.size());
  for (const auto& f : in.files) {
    auto [it, added] = by_package.emplace(f.package, t.owner_ids.size());
    if (added) t.owner_ids.push_back(SpdxId("SPDXRef-Package-deb-", f.package));
    t.owner.push_back(it->second);
  }
  return t;
}

void AppendFiles(const SbomInput& in, const FileTable& t, std::string* out) {
  IndentedArray array(out);
  std::vector<uint32_t> order = SortedBy(t.ids);
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && t.ids[order[k]] == t.ids[order[k - 1]])
      Fail("SBOM: two files have the SPDXID {} (names differing only in characters outside "
           "[A-Za-z0-9.-])", t.ids[order[k]]);
    array.Add(FileJson(in.files[order[k]], t.ids[order[k]]));
  }
  array.Close();
}

// `rels` and each file's (package, CONTAINS, file), merged in sorted order.
void AppendRelationships(const std::set<Relationship>& rels, const FileTable& t,
                         std::string* out) {
  std::vector<uint32_t> order = SortedBy(t.ids);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return t.owner_ids[t.owner[a]] < t.owner_ids[t.owner[b]];
  });
  IndentedArray array(out);
  auto next = rels.begin();
  for (uint32_t i : order) {
    Relationship contains{t.owner_ids[t.owner[i]], "CONTAINS", t.ids[i]};
    for (; next != rels.end() && *next < contains; ++next) array.Add(RelationshipJson(*next));
    array.Add(RelationshipJson(contains));
  }
  for (; next != rels.end(); ++next) array.Add(RelationshipJson(*next));
  array.Close();
}

constexpr char kMark[] = "@ocimake-array@";

// Where the top-level `key`'s value kMark starts in the dumped `text`; the
// value is json(kMark).dump() long.
size_t MarkOf(const std::string& text, const std::string& key) {
  std::string field = json(key).dump() + ": ";
  size_t at = text.find(field + json(kMark).dump());
  if (at == std::string::npos) Fail("SBOM: no {} in the document", key);
  return at + field.size();
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

std::string SpdxDocument(const SbomInput& in) {
  json packages = json::array();
  std::set<Relationship> rels = {{"SPDXRef-DOCUMENT", "DESCRIBES", kImageId}};
  AddBuildPackages(in, &packages, &rels);
  for (const auto& d : in.debian_packages) {
    packages.push_back(DebianPackageJson(d));
    rels.insert({kImageId, "CONTAINS", SpdxId("SPDXRef-Package-deb-", d.name)});
  }
  std::sort(packages.begin(), packages.end(),
            [](const json& a, const json& b) { return a["SPDXID"] < b["SPDXID"]; });
  RequireUniqueIds(packages, "packages");
  json doc = {{"spdxVersion", "SPDX-2.3"},
              {"dataLicense", "CC0-1.0"},
              {"SPDXID", "SPDXRef-DOCUMENT"},
              {"name", in.image_name + (in.tag.empty() ? "" : ":" + in.tag)},
              {"documentNamespace", "https://ocimake.dev/spdx/" + in.image_name + "-" +
                                        in.manifest_digest.hex()},
              {"creationInfo", {{"created", FormatUtc(in.epoch)},
                                {"creators", json::array({"Tool: ocimake-" + in.tool_version})}}},
              {"packages", packages},
              {"files", kMark},
              {"relationships", kMark}};
  std::string head = doc.dump(2);
  size_t files = MarkOf(head, "files"), rels_at = MarkOf(head, "relationships");
  size_t mark = json(kMark).dump().size();
  FileTable table = MakeFileTable(in);
  std::string out;
  out.reserve(head.size() + in.files.size() * 800);
  out.append(head, 0, files);
  AppendFiles(in, table, &out);
  out.append(head, files + mark, rels_at - files - mark);
  AppendRelationships(rels, table, &out);
  out.append(head, rels_at + mark).append("\n");
  return out;
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
