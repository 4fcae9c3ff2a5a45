#include "registry/registry_credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"

namespace ocimake {

namespace {

constexpr char kDockerHubAuthKey[] = "https://index.docker.io/v1/";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "https://host:5000/v1/" -> "host:5000"
std::string KeyHost(std::string key) {
  for (const char* scheme : {"https://", "http://"})
    if (StartsWith(key, scheme)) key = key.substr(std::string(scheme).size());
  return key.substr(0, key.find('/'));
}

bool SameRegistry(const std::string& key, const std::string& registry) {
  std::string host = KeyHost(key);
  if (host == registry) return true;
  auto hub = [](const std::string& h) {
    return h == kDockerHub || h == "index.docker.io" || h == "registry-1.docker.io";
  };
  return hub(host) && hub(registry);
}

std::string HelperServer(const std::string& registry) {
  return registry == kDockerHub ? kDockerHubAuthKey : registry;
}

Credentials FromEntry(const AuthFile::Entry& e, const std::string& where) {
  Credentials c;
  c.identity_token = e.identity_token;
  if (!e.auth.empty()) {
    std::string decoded = WithContext(where, [&] { return Base64Decode(e.auth); });
    size_t colon = decoded.find(':');
    if (colon == std::string::npos) Fail("{}: \"auth\" is not base64 of user:password", where);
    c.username = decoded.substr(0, colon);
    c.password = decoded.substr(colon + 1);
  } else {
    c.username = e.username;
    c.password = e.password;
  }
  return c;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  static const char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kChars[(v >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (rest == 2) v |= uint8_t(bytes[i + 1]) << 8;
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += rest == 2 ? kChars[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string Base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) Fail("invalid base64 (length)");
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Base64Value(c);
    if (v < 0) Fail("invalid base64 (character {:#04x})", static_cast<unsigned char>(c));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::vector<std::string> AuthFilePaths() {
  std::vector<std::string> paths;
  if (std::string f = Env("REGISTRY_AUTH_FILE"); !f.empty()) {
    paths.push_back(f);
  } else if (std::string run = Env("XDG_RUNTIME_DIR"); !run.empty()) {
    paths.push_back(JoinPath(run, "containers/auth.json"));
  }
  paths.push_back(DockerConfigPath());
  return paths;
}

std::string DockerConfigPath() {
  if (std::string d = Env("DOCKER_CONFIG"); !d.empty()) return JoinPath(d, "config.json");
  return JoinPath(Env("HOME"), ".docker/config.json");
}

std::optional<Credentials> RunCredentialHelper(const std::string& helper,
                                               const std::string& server) {
  for (char c : helper)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      Fail("credential helper '{}': invalid name", helper);
  std::string program = "docker-credential-" + helper;
  return WithContext("credential helper " + program, [&]() -> std::optional<Credentials> {
    ProcessResult r = RunProcessWithInput({program, "get"}, server);
    if (r.status != 0) {
      if (r.output.find("credentials not found") != std::string::npos) return std::nullopt;
      std::string line = FirstLine(r.output);
      Fail("exit {}: {}", r.status, line.substr(0, 200));
    }
    Credentials c = ParseCredentialHelperReply(r.output, "its reply");
    if (c.empty()) return std::nullopt;
    return c;
  });
}

std::optional<Credentials> FindCredentials(const AuthFile& file, const std::string& registry,
                                           const CredentialHelper& helper) {
  for (const auto& [host, name] : file.cred_helpers)
    if (SameRegistry(host, registry)) return helper(name, HelperServer(registry));
  // An exact key first, then one with a scheme or path.
  auto exact = file.auths.find(registry);
  if (exact != file.auths.end()) return FromEntry(exact->second, "auths." + registry);
  for (const auto& [key, entry] : file.auths)
    if (SameRegistry(key, registry)) return FromEntry(entry, "auths." + key);
  if (!file.creds_store.empty()) return helper(file.creds_store, HelperServer(registry));
  return std::nullopt;
}

Credentials LookupCredentials(const std::string& registry) {
  for (const auto& path : AuthFilePaths()) {
    if (!PathExists(path)) continue;
    std::optional<Credentials> found = WithContext(path, [&] {
      return FindCredentials(ParseAuthFile(ReadFile(path, 1 << 20), path), registry);
    });
    if (found) return *found;
  }
  return {};
}

void StoreCredentials(const std::string& path, const std::string& registry,
                      const Credentials& credentials) {
  std::string dir = DirName(path);
  if (!IsDirectory(dir) && mkdir(dir.c_str(), 0700) != 0) MakeDirs(dir);
  std::string old = PathExists(path) ? ReadFile(path, 1 << 20) : "";
  std::string key = registry == kDockerHub ? kDockerHubAuthKey : registry;
  std::string text = SetAuthFileEntry(
      old, key, Base64Encode(credentials.username + ":" + credentials.password), path);
  AtomicFile file(path);
  if (fchmod(file.fd(), 0600) != 0) FailErrno("chmod " + file.temp_path());
  file.Write(text);
  file.Commit();
}

}  // namespace ocimake
