#include "oci/json_fields.h"

#include "base/error.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

// ParseStrict's rules, for a document of any type.
json ParseStrictValue(std::string_view text, const std::string& what,
                      size_t max_bytes = kMaxJsonBytes) {
  if (text.size() > max_bytes)
    Fail("{}: JSON document of {} bytes exceeds the limit of {}", what, text.size(), max_bytes);
  constexpr int kMaxDepth = 64;
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  bool too_deep = false;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) too_deep = true;
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
            duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default:
        break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text.begin(), text.end(), callback);
  } catch (const json::exception& e) {
    std::string msg = e.what();
    Fail("{}: invalid JSON: {}", what, msg.substr(msg.find(']') + 2));
  }
  if (!duplicate.empty()) Fail("{}: invalid JSON: duplicate key \"{}\"", what, duplicate);
  if (too_deep) Fail("{}: invalid JSON: nested deeper than {}", what, kMaxDepth);
  return j;
}

}  // namespace

json ParseStrict(std::string_view text, const std::string& what, size_t max_bytes) {
  json j = ParseStrictValue(text, what, max_bytes);
  if (!j.is_object()) Fail("{}: expected a JSON object", what);
  return j;
}

json ParseStrictArray(std::string_view text, const std::string& what) {
  json j = ParseStrictValue(text, what);
  if (!j.is_array()) Fail("{}: expected a JSON array", what);
  return j;
}

std::vector<std::string> ParseStringArray(std::string_view text, const std::string& what) {
  json j = ParseStrictValue(text, what);
  if (!j.is_array()) Fail("{}: expected a JSON array of strings", what);
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) Fail("{}: expected a JSON array of strings", what);
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false); }

const json& Member(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end()) Fail("{}: missing \"{}\"", what, key);
  return *it;
}

std::string GetString(const json& j, const char* key, const std::string& what,
                      bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) Fail("{}: missing \"{}\"", what, key);
    return "";
  }
  if (!it->is_string()) Fail("{}: \"{}\" must be a string", what, key);
  return it->get<std::string>();
}

std::vector<std::string> GetStrings(const json& j, const char* key, const std::string& what) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) Fail("{}: \"{}\" must be an array of strings", what, key);
  for (const auto& v : *it) {
    if (!v.is_string()) Fail("{}: \"{}\" must be an array of strings", what, key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> GetStringMap(const json& j, const char* key,
                                                const std::string& what) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) Fail("{}: \"{}\" must be an object of strings", what, key);
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) Fail("{}: \"{}.{}\" must be a string", what, key, k);
    out[k] = v.get<std::string>();
  }
  return out;
}

std::set<std::string> GetKeySet(const json& j, const char* key, const std::string& what) {
  std::set<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) Fail("{}: \"{}\" must be an object", what, key);
  for (auto& [k, v] : it->items()) out.insert(k);
  return out;
}

std::optional<std::vector<std::string>> OptionalStrings(const json& j, const char* key,
                                                       const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return GetStrings(j, key, what);
}

}  // namespace ocimake
