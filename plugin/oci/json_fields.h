// Typed access to the fields of a parsed JSON document, each failure one
// line naming the document and the field: the one door to nlohmann/json,
// used by oci_json.cc (OCI and registry documents) and image settings.
#ifndef OCIMAKE_OCI_JSON_FIELDS_H_
#define OCIMAKE_OCI_JSON_FIELDS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/oci_json.h"

namespace ocimake {

using json = nlohmann::json;

// Parses strictly: bounded size (kMaxJsonBytes unless given: an SBOM may be
// larger), no duplicate keys, valid UTF-8 (nlohmann rejects invalid UTF-8
// itself), nesting depth bounded.
json ParseStrict(std::string_view text, const std::string& what,
                 size_t max_bytes = kMaxJsonBytes);

// A whole document that is an array (a docker-archive's manifest.json),
// parsed by ParseStrict's rules: never wrapped into another document.
json ParseStrictArray(std::string_view text, const std::string& what);

// A whole document that is an array of strings ('["/bin/app", "-v"]'),
// parsed by ParseStrict's rules.
std::vector<std::string> ParseStringArray(std::string_view text, const std::string& what);

// Compact, keys sorted (nlohmann's objects are ordered maps): canonical.
std::string Dump(const json& j);

// The member `key`, which must be there.
const json& Member(const json& j, const char* key, const std::string& what);

// A string member; "" when absent and not `required`.
std::string GetString(const json& j, const char* key, const std::string& what,
                      bool required = true);

// An array of strings; empty when absent.
std::vector<std::string> GetStrings(const json& j, const char* key, const std::string& what);

// An object of strings; empty when absent.
std::map<std::string, std::string> GetStringMap(const json& j, const char* key,
                                                const std::string& what);

// The keys of an object member ({"8080/tcp": {}}); empty when absent.
std::set<std::string> GetKeySet(const json& j, const char* key, const std::string& what);

// An array of strings, or nullopt when absent or null.
std::optional<std::vector<std::string>> OptionalStrings(const json& j, const char* key,
                                                       const std::string& what);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_JSON_FIELDS_H_
