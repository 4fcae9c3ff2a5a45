#include "oci/image_reference.h"

#include <vector>

#include "base/error.h"

namespace ocimake {

namespace {

constexpr size_t kMaxNameLength = 255;  // registry/repository, as Docker limits it

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsValidPathComponent(const std::string& c) {
  size_t i = 0, n = c.size();
  auto alnum_run = [&] {
    size_t start = i;
    while (i < n && IsLowerAlnum(c[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < n) {
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      ++i;
      if (i < n && c[i] == '_') ++i;
    } else if (c[i] == '-') {
      while (i < n && c[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool IsValidPort(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  long value = std::stol(port);
  return value >= 1 && value <= 65535;
}

bool IsValidHostName(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (const auto& label : Split(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (!IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    for (char c : label)
      if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

bool LooksLikeHost(const std::string& component) {
  return component.find_first_of(".:") != std::string::npos || component == "localhost";
}

}  // namespace

bool IsValidTag(const std::string& tag) {
  if (tag.empty() || tag.size() > 128) return false;
  if (!IsAlnum(tag[0]) && tag[0] != '_') return false;
  for (char c : tag)
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

bool IsValidRepository(const std::string& repository) {
  if (repository.empty() || repository.size() > kMaxNameLength) return false;
  for (const auto& c : Split(repository, '/'))
    if (!IsValidPathComponent(c)) return false;
  return true;
}

bool IsValidRegistryHost(const std::string& host) {
  std::string name = host, port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos || close < 3) return false;
    for (size_t i = 1; i < close; ++i) {
      char c = host[i];
      bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return false;
    }
    if (close + 1 == host.size()) return true;
    return host[close + 1] == ':' && IsValidPort(host.substr(close + 2));
  }
  size_t colon = host.find(':');
  if (colon != std::string::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
    if (!IsValidPort(port)) return false;
  }
  return IsValidHostName(name);
}

std::string ImageReference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest.str();
  return out;
}

namespace {

// "host[:port]/repo" or "repo" (Docker Hub, "library/" for a bare name) into
// ref's registry and repository.
void SplitName(const std::string& name, ImageReference* ref) {
  size_t first = name.find('/');
  if (first != std::string::npos && LooksLikeHost(name.substr(0, first))) {
    ref->registry = name.substr(0, first);
    ref->repository = name.substr(first + 1);
  } else {
    ref->registry = kDockerHub;
    ref->repository = name;
  }
  if (ref->registry == "index.docker.io") ref->registry = kDockerHub;
  if (ref->registry == kDockerHub && ref->repository.find('/') == std::string::npos)
    ref->repository = "library/" + ref->repository;
}

}  // namespace

ImageReference ParseImageReference(const std::string& text) {
  auto bad = [&](const std::string& why) -> ImageReference {
    Fail("image reference '{}': {}", text.substr(0, 300), why);
  };
  if (text.empty()) return bad("empty");
  ImageReference ref;
  std::string rest = text;
  size_t at = rest.find('@');
  if (at != std::string::npos) {
    std::string digest = rest.substr(at + 1);
    if (!Digest::IsValid(digest))
      return bad("invalid digest '" + digest.substr(0, 80) +
                 "' (expected sha256: and 64 lowercase hex digits)");
    ref.digest = Digest::Parse(digest);
    rest = rest.substr(0, at);
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!IsValidTag(ref.tag))
      return bad("invalid tag '" + ref.tag.substr(0, 140) +
                 "' (expected letters, digits, '_', '.', '-', at most 128)");
  }
  SplitName(rest, &ref);
  if (!IsValidRegistryHost(ref.registry))
    return bad("invalid registry host '" + ref.registry + "'");
  if (!IsValidRepository(ref.repository))
    return bad("invalid repository '" + ref.repository +
               "' (expected lowercase letters, digits and separators . _ __ - between them)");
  if (ref.name().size() > kMaxNameLength)
    return bad("name longer than " + std::to_string(kMaxNameLength) + " characters");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool IsExplicitRegistryReference(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos || !LooksLikeHost(text.substr(0, slash))) return false;
  try {
    ParseImageReference(text);
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::string RegistryApiHost(const std::string& registry) {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

}  // namespace ocimake
