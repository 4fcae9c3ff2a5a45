#include "closure/dpkg_index.h"

#include <regex>
#include <sstream>

#include "base/fs_util.h"
#include "base/strings.h"
#include "closure/package_files.h"
#include "closure/root_path.h"

namespace ocimake {

namespace {

constexpr const char* kNoAssertion = "NOASSERTION";

using Paragraph = std::map<std::string, std::string>;  // field -> value (continuations joined)

// The paragraphs of a deb822 file (dpkg's status, a DEP-5 copyright): blank
// lines part them, a line starting with a space or tab continues a field.
std::vector<Paragraph> Paragraphs(const std::string& text) {
  std::vector<Paragraph> out(1);
  std::string field;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (Trim(line).empty()) {
      if (!out.back().empty()) out.emplace_back();
      field.clear();
    } else if (line[0] == ' ' || line[0] == '\t') {
      if (!field.empty()) out.back()[field] += "\n" + Trim(line);
    } else if (size_t colon = line.find(':'); colon != std::string::npos) {
      field = line.substr(0, colon);
      out.back()[field] = Trim(line.substr(colon + 1));
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

std::string Field(const Paragraph& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

// "2" -> "2.0", "2.1" -> "2.1".
std::string SpdxVersion(const std::string& v) { return v.find('.') == std::string::npos ? v + ".0" : v; }

// The SPDX identifier of one of Debian's short license names, or "".
std::string SpdxLicense(const std::string& name) {
  static const std::map<std::string, std::string> kNames = {
      {"expat", "MIT"},          {"mit", "MIT"},           {"bsd-2-clause", "BSD-2-Clause"},
      {"bsd-3-clause", "BSD-3-Clause"}, {"bsd-4-clause", "BSD-4-Clause"}, {"zlib", "Zlib"},
      {"apache-2.0", "Apache-2.0"},      {"isc", "ISC"},     {"bsl-1.0", "BSL-1.0"},
      {"boost-1.0", "BSL-1.0"},  {"cc0-1.0", "CC0-1.0"},   {"mpl-2.0", "MPL-2.0"},
      {"curl", "curl"},          {"openssl", "OpenSSL"},   {"x11", "X11"},
      {"unlicense", "Unlicense"}};
  if (auto it = kNames.find(ToLower(name)); it != kNames.end()) return it->second;
  static const std::regex kGnu(R"((A?GPL|LGPL|GFDL)-([0-9](\.[0-9])?)(\+)?)",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_match(name, m, kGnu)) return "";
  std::string family = m[1].str();
  for (auto& c : family) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return family + "-" + SpdxVersion(m[2].str()) + (m[4].matched ? "-or-later" : "-only");
}

// Debian's license expression ("GPL-2+ or Expat") as SPDX's, or "" when a
// name or an operator ("with ... exception") is not known.
std::string SpdxExpression(const std::string& debian) {
  std::string spaced;
  for (char c : debian) {
    if (c == '(' || c == ')') spaced += std::string(" ") + c + " ";
    else spaced += c == ',' ? ' ' : c;
  }
  std::istringstream in(spaced);
  std::vector<std::string> out;
  for (std::string token; in >> token;) {
    std::string lower = ToLower(token), spdx;
    if (lower == "and" || lower == "or") spdx = lower == "and" ? "AND" : "OR";
    else if (token == "(" || token == ")") spdx = token;
    else spdx = SpdxLicense(token);
    if (spdx.empty()) return "";
    out.push_back(spdx);
  }
  std::string joined;
  for (const auto& t : out) joined += (joined.empty() ? "" : " ") + t;
  return joined;
}

}  // namespace

std::map<std::string, DebianPackage> ParseDpkgStatus(const std::string& text) {
  std::map<std::string, DebianPackage> out;
  for (const auto& p : Paragraphs(text)) {
    std::string name = Field(p, "Package");
    if (name.empty() || !EndsWith(Field(p, "Status"), " installed")) continue;
    DebianPackage pkg;
    pkg.name = name;
    pkg.version = Field(p, "Version");
    pkg.architecture = Field(p, "Architecture");
    out[name + ":" + pkg.architecture] = pkg;
  }
  return out;
}

std::string DeclaredLicense(const std::string& copyright) {
  static const std::regex kFormat(
      R"(Format:\s*https?://www\.debian\.org/doc/packaging-manuals/copyright-format/1\.0/?\s*)");
  if (!std::regex_match(FirstLine(copyright), kFormat)) return kNoAssertion;
  for (const auto& p : Paragraphs(copyright)) {
    if (Field(p, "Files") != "*") continue;
    std::string spdx = SpdxExpression(FirstLine(Field(p, "License")));
    return spdx.empty() ? kNoAssertion : spdx;
  }
  return kNoAssertion;
}

DpkgIndex DpkgIndex::Read(const std::string& root) {
  DpkgIndex index;
  std::string status = HostPath(root, "/var/lib/dpkg/status");
  if (!PathExists(status)) return index;
  index.root_ = root;
  index.packages_ = ParseDpkgStatus(ReadFile(status));
  index.owners_ = PathOwners(root);
  return index;
}

const std::vector<std::string>* DpkgIndex::Listers(const std::string& path) const {
  auto it = owners_.find(path);
  if (it == owners_.end()) {
    std::string alias = MergedUsrAlias(path);
    if (!alias.empty()) it = owners_.find(alias);
  }
  return it == owners_.end() ? nullptr : &it->second;
}

const DebianPackage* DpkgIndex::Owner(const std::string& path) const {
  const std::vector<std::string>* listers = Listers(path);
  return listers ? Find(listers->front()) : nullptr;
}

const DebianPackage* DpkgIndex::OwnerAmong(const std::string& path,
                                           const std::vector<std::string>& names) const {
  const std::vector<std::string>* listers = Listers(path);
  if (!listers) return nullptr;
  for (const auto& name : names)
    for (const auto& key : *listers)
      if (key.substr(0, key.find(':')) == name) return Find(key);
  return nullptr;
}

const DebianPackage* DpkgIndex::Find(const std::string& key) const {
  if (key.find(':') != std::string::npos) {
    auto it = packages_.find(key);
    return it == packages_.end() ? nullptr : &it->second;
  }
  auto it = packages_.lower_bound(key + ":");
  return it != packages_.end() && StartsWith(it->first, key + ":") ? &it->second : nullptr;
}

DebianPackage DpkgIndex::WithLicense(const DebianPackage& package) const {
  DebianPackage out = package;
  RootResolution copyright;
  if (ResolveInRoot(root_, "/usr/share/doc/" + package.name + "/copyright", &copyright) &&
      !IsDirectory(HostPath(root_, copyright.path)))
    out.license = DeclaredLicense(ReadFile(HostPath(root_, copyright.path)));
  return out;
}

}  // namespace ocimake
