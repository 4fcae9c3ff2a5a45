// Every OCI and registry JSON document of the tool is read and written here,
// through oci/json_fields.h.
#include "oci/oci_json.h"

#include <set>
#include <vector>

#include "base/error.h"
#include "base/strings.h"
#include "oci/json_fields.h"

namespace ocimake {

namespace {

json PlatformJson(const Platform& p) {
  json j = {{"os", p.os}, {"architecture", p.architecture}};
  if (!p.variant.empty()) j["variant"] = p.variant;
  return j;
}

json DescriptorJson(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) j["platform"] = PlatformJson(*d.platform);
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  return j;
}

Descriptor DescriptorFrom(const json& j, const std::string& what) {
  if (!j.is_object()) Fail("{}: descriptor must be an object", what);
  Descriptor d;
  d.media_type = GetString(j, "mediaType", what);
  d.digest = WithContext(what, [&] { return Digest::Parse(GetString(j, "digest", what)); });
  const json& size = Member(j, "size", what);
  if (!size.is_number_integer() || (!size.is_number_unsigned() && size.get<int64_t>() < 0))
    Fail("{}: \"size\" must be a non-negative integer", what);
  if (size.get<uint64_t>() > static_cast<uint64_t>(kMaxBlobBytes))
    Fail("{}: \"size\" {} is more than the largest blob accepted ({} bytes, 1 TiB)", what,
         size.get<uint64_t>(), kMaxBlobBytes);
  d.size = size.get<int64_t>();
  d.annotations = GetStringMap(j, "annotations", what);
  auto p = j.find("platform");
  if (p != j.end() && p->is_object()) {
    d.platform = Platform{GetString(*p, "os", what), GetString(*p, "architecture", what),
                          GetString(*p, "variant", what, false)};
  }
  d.artifact_type = GetString(j, "artifactType", what, false);
  return d;
}

json RuntimeConfigJson(const RuntimeConfig& c) {
  json j = json::object();
  if (!c.user.empty()) j["User"] = c.user;
  if (!c.exposed_ports.empty()) {
    json ports = json::object();
    for (const auto& p : c.exposed_ports) ports[p] = json::object();
    j["ExposedPorts"] = ports;
  }
  if (!c.env.empty()) j["Env"] = c.env;
  if (c.entrypoint) j["Entrypoint"] = *c.entrypoint;
  if (c.cmd) j["Cmd"] = *c.cmd;
  if (!c.volumes.empty()) {
    json vols = json::object();
    for (const auto& v : c.volumes) vols[v] = json::object();
    j["Volumes"] = vols;
  }
  if (!c.working_dir.empty()) j["WorkingDir"] = c.working_dir;
  if (!c.labels.empty()) j["Labels"] = c.labels;
  if (!c.stop_signal.empty()) j["StopSignal"] = c.stop_signal;
  return j;
}

RuntimeConfig RuntimeConfigFrom(const json& j, const std::string& what) {
  RuntimeConfig c;
  if (!j.is_object()) return c;
  c.user = GetString(j, "User", what, false);
  c.exposed_ports = GetKeySet(j, "ExposedPorts", what);
  c.env = GetStrings(j, "Env", what);
  c.entrypoint = OptionalStrings(j, "Entrypoint", what);
  c.cmd = OptionalStrings(j, "Cmd", what);
  c.volumes = GetKeySet(j, "Volumes", what);
  c.working_dir = GetString(j, "WorkingDir", what, false);
  c.labels = GetStringMap(j, "Labels", what);
  c.stop_signal = GetString(j, "StopSignal", what, false);
  return c;
}

}  // namespace

std::string ToJson(const Descriptor& d) { return Dump(DescriptorJson(d)); }

namespace {

json LayerDescriptorJson(const LayerDescriptor& d) {
  json j = DescriptorJson(d.descriptor);
  j["diff_id"] = d.diff_id.str();
  if (!d.created_by.empty()) j["created_by"] = d.created_by;
  if (!d.comment.empty()) j["comment"] = d.comment;
  if (d.entries >= 0) j["entries"] = d.entries;
  if (!d.split_key.empty()) j["split_key"] = d.split_key;
  return j;
}

}  // namespace

std::string ToJson(const LayerDescriptor& d) { return Dump(LayerDescriptorJson(d)) + "\n"; }

std::string ToJson(const std::vector<LayerDescriptor>& parts) {
  json j = json::array();
  for (const auto& d : parts) j.push_back(LayerDescriptorJson(d));
  return Dump(j) + "\n";
}

std::string ToJson(const Manifest& m) {
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(DescriptorJson(l));
  json j = {{"schemaVersion", 2},
            {"mediaType", m.media_type},
            {"config", DescriptorJson(m.config)},
            {"layers", layers}};
  if (!m.artifact_type.empty()) j["artifactType"] = m.artifact_type;
  if (m.subject) j["subject"] = DescriptorJson(*m.subject);
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return Dump(j);
}

std::string ToJson(const Index& i) {
  json manifests = json::array();
  for (const auto& m : i.manifests) manifests.push_back(DescriptorJson(m));
  json j = {{"schemaVersion", 2},
            {"mediaType", media_type::kOciIndex},
            {"manifests", manifests}};
  if (!i.annotations.empty()) j["annotations"] = i.annotations;
  return Dump(j);
}

std::string ToJson(const ImageConfig& c) {
  json diff_ids = json::array();
  for (const auto& d : c.diff_ids) diff_ids.push_back(d.str());
  json history = json::array();
  for (const auto& h : c.history) {
    json e = json::object();
    if (!h.created.empty()) e["created"] = h.created;
    if (!h.created_by.empty()) e["created_by"] = h.created_by;
    if (!h.author.empty()) e["author"] = h.author;
    if (!h.comment.empty()) e["comment"] = h.comment;
    if (h.empty_layer) e["empty_layer"] = true;
    history.push_back(e);
  }
  json j = {{"architecture", c.architecture},
            {"os", c.os},
            {"config", RuntimeConfigJson(c.config)},
            {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
            {"history", history}};
  if (!c.created.empty()) j["created"] = c.created;
  if (!c.author.empty()) j["author"] = c.author;
  if (!c.variant.empty()) j["variant"] = c.variant;
  return Dump(j);
}

std::string LayerFileJson(int layer, const std::string& path, const std::string& type,
                          const std::string& mode, int64_t size, const std::string& link) {
  json j = {{"layer", layer}, {"path", path}, {"type", type},
            {"mode", mode},   {"size", size}, {"link", link}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Descriptor ParseDescriptor(std::string_view text, const std::string& what) {
  return DescriptorFrom(ParseStrict(text, what), what);
}

namespace {

LayerDescriptor LayerDescriptorFrom(const json& j, const std::string& what) {
  if (!j.is_object()) Fail("{}: expected a layer descriptor object", what);
  LayerDescriptor d;
  d.descriptor = DescriptorFrom(j, what);
  d.diff_id = WithContext(what, [&] { return Digest::Parse(GetString(j, "diff_id", what)); });
  d.created_by = GetString(j, "created_by", what, false);
  d.comment = GetString(j, "comment", what, false);
  auto entries = j.find("entries");
  if (entries != j.end() && entries->is_number_integer()) d.entries = entries->get<int64_t>();
  d.split_key = GetString(j, "split_key", what, false);
  return d;
}

}  // namespace

LayerDescriptor ParseLayerDescriptor(std::string_view text, const std::string& what) {
  return LayerDescriptorFrom(ParseStrict(text, what), what);
}

std::vector<LayerDescriptor> ParseLayerDescriptors(std::string_view text, const std::string& what) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '[')
    return {ParseLayerDescriptor(text, what)};
  json j = ParseStrictArray(text, what);
  if (j.empty()) Fail("{}: expected at least one layer descriptor", what);
  std::vector<LayerDescriptor> out;
  for (size_t i = 0; i < j.size(); ++i)
    out.push_back(LayerDescriptorFrom(j[i], fmt::format("{} part {}", what, i + 1)));
  return out;
}

Manifest ParseManifest(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  if (j.contains("manifests"))
    Fail("{}: expected an image manifest, found an index (\"manifests\")", what);
  Manifest m;
  m.media_type = GetString(j, "mediaType", what, false);
  if (m.media_type.empty()) m.media_type = media_type::kOciManifest;
  if (m.media_type != media_type::kOciManifest && m.media_type != media_type::kDockerManifest)
    Fail("{}: unsupported manifest media type {}", what, m.media_type);
  m.config = DescriptorFrom(Member(j, "config", what), what + " config");
  const json& layers = Member(j, "layers", what);
  if (!layers.is_array()) Fail("{}: \"layers\" must be an array", what);
  for (const auto& l : layers) m.layers.push_back(DescriptorFrom(l, what + " layer"));
  m.artifact_type = GetString(j, "artifactType", what, false);
  if (auto subject = j.find("subject"); subject != j.end())
    m.subject = DescriptorFrom(*subject, what + " subject");
  m.annotations = GetStringMap(j, "annotations", what);
  return m;
}

Index ParseIndex(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  if (j.contains("layers"))
    Fail("{}: expected an index, found an image manifest (\"layers\")", what);
  const json& manifests = Member(j, "manifests", what);
  if (!manifests.is_array()) Fail("{}: \"manifests\" must be an array", what);
  Index i;
  for (const auto& m : manifests) i.manifests.push_back(DescriptorFrom(m, what + " manifest"));
  i.annotations = GetStringMap(j, "annotations", what);
  return i;
}

ImageConfig ParseImageConfig(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  ImageConfig c;
  c.created = GetString(j, "created", what, false);
  c.author = GetString(j, "author", what, false);
  c.architecture = GetString(j, "architecture", what, false);
  c.os = GetString(j, "os", what, false);
  c.variant = GetString(j, "variant", what, false);
  auto cfg = j.find("config");
  if (cfg != j.end()) c.config = RuntimeConfigFrom(*cfg, what);
  auto rootfs = j.find("rootfs");
  if (rootfs != j.end() && rootfs->is_object()) {
    for (const auto& d : GetStrings(*rootfs, "diff_ids", what))
      c.diff_ids.push_back(WithContext(what, [&] { return Digest::Parse(d); }));
  }
  auto history = j.find("history");
  if (history != j.end() && history->is_array()) {
    for (const auto& h : *history) {
      HistoryEntry e;
      e.created = GetString(h, "created", what, false);
      e.created_by = GetString(h, "created_by", what, false);
      e.author = GetString(h, "author", what, false);
      e.comment = GetString(h, "comment", what, false);
      auto el = h.find("empty_layer");
      e.empty_layer = el != h.end() && el->is_boolean() && el->get<bool>();
      c.history.push_back(e);
    }
  }
  return c;
}

std::string ParseLayoutVersion(std::string_view text, const std::string& what) {
  std::string version = GetString(ParseStrict(text, what), "imageLayoutVersion", what);
  if (!StartsWith(version, "1."))
    Fail("{}: unsupported imageLayoutVersion '{}' (expected 1.x, as 1.0.0)", what,
         version.substr(0, 100));
  return version;
}

std::string SniffMediaType(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  bool has_manifests = j.contains("manifests"), has_layers = j.contains("layers");
  if (has_manifests && has_layers)
    Fail("{}: ambiguous document: has both \"manifests\" and \"layers\"", what);
  std::string mt = GetString(j, "mediaType", what, false);
  if (!mt.empty()) return mt;
  if (has_manifests) return media_type::kOciIndex;
  if (has_layers) return media_type::kOciManifest;
  return "";
}

std::string ToJson(const std::vector<DockerArchiveImage>& images) {
  json list = json::array();
  for (const auto& i : images)
    list.push_back({{"Config", i.config}, {"RepoTags", i.repo_tags}, {"Layers", i.layers}});
  return Dump(list);
}

std::vector<DockerArchiveImage> ParseDockerArchiveManifest(std::string_view text,
                                                           const std::string& what) {
  json list = ParseStrictArray(text, what);
  if (list.empty())
    Fail("{}: expected a non-empty array of images", what);
  std::vector<DockerArchiveImage> out;
  for (const auto& e : list) {
    if (!e.is_object()) Fail("{}: expected an array of objects", what);
    out.push_back({GetString(e, "Config", what), GetStrings(e, "RepoTags", what),
                   GetStrings(e, "Layers", what)});
  }
  return out;
}

AuthFile ParseAuthFile(std::string_view text, const std::string& what) {
  AuthFile f;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return f;  // empty file
  json j = ParseStrict(text, what);
  auto auths = j.find("auths");
  if (auths != j.end() && !auths->is_null()) {
    if (!auths->is_object()) Fail("{}: \"auths\" must be an object", what);
    for (auto& [host, entry] : auths->items()) {
      std::string where = what + " auths." + host;
      if (!entry.is_object()) Fail("{}: must be an object", where);
      AuthFile::Entry e;
      e.auth = GetString(entry, "auth", where, false);
      e.username = GetString(entry, "username", where, false);
      e.password = GetString(entry, "password", where, false);
      e.identity_token = GetString(entry, "identitytoken", where, false);
      f.auths[host] = e;
    }
  }
  f.cred_helpers = GetStringMap(j, "credHelpers", what);
  f.creds_store = GetString(j, "credsStore", what, false);
  return f;
}

std::string SetAuthFileEntry(std::string_view text, const std::string& key,
                             const std::string& auth, const std::string& what) {
  json j = json::object();
  if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) j = ParseStrict(text, what);
  json& auths = j["auths"];
  if (auths.is_null()) auths = json::object();
  if (!auths.is_object()) Fail("{}: \"auths\" must be an object", what);
  json& entry = auths[key];
  if (!entry.is_object()) entry = json::object();
  entry["auth"] = auth;
  // The entry now holds these credentials only.
  entry.erase("username");
  entry.erase("password");
  entry.erase("identitytoken");
  return j.dump(1, '\t') + "\n";  // as docker writes it
}

TokenResponse ParseTokenResponse(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  TokenResponse t;
  t.token = GetString(j, "token", what, false);
  if (t.token.empty()) t.token = GetString(j, "access_token", what, false);
  if (t.token.empty()) Fail("{}: no \"token\" or \"access_token\" in the reply", what);
  auto e = j.find("expires_in");
  if (e != j.end() && e->is_number_integer()) t.expires_in = e->get<int64_t>();
  return t;
}

Credentials ParseCredentialHelperReply(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  Credentials c;
  std::string user = GetString(j, "Username", what, false);
  std::string secret = GetString(j, "Secret", what, false);
  if (user == "<token>") {
    c.identity_token = secret;  // docker's convention for a refresh token
  } else {
    c.username = user;
    c.password = secret;
  }
  return c;
}

std::string DescribeRegistryErrors(std::string_view text) {
  if (text.size() > kMaxJsonBytes) return "";
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto errors = j.find("errors");
  if (errors == j.end() || !errors->is_array()) return "";
  std::string out;
  for (const auto& e : *errors) {
    if (!e.is_object()) continue;
    auto str = [&](const char* key) {
      auto it = e.find(key);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string code = str("code"), message = str("message");
    std::string one = code.empty() ? message : message.empty() ? code : code + ": " + message;
    if (one.empty()) continue;
    if (!out.empty()) out += "; ";
    out += one;
  }
  // One line, whatever the registry sent.
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out.substr(0, 300);
}

}  // namespace ocimake
