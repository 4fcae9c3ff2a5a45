#include "source/location.h"

#include "base/error.h"
#include "base/fs_util.h"
#include "oci/image_reference.h"

namespace ocimake {

namespace {

// DIR:TAG where the tag may hold a colon itself (name:1.0): the directory is
// the shortest prefix before a colon that is one.
std::optional<std::pair<std::string, std::string>> SplitAtDirectory(const std::string& text) {
  for (size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', colon + 1))
    if (colon > 0 && IsDirectory(text.substr(0, colon)))
      return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
  return std::nullopt;
}

SourceSpec ParseTransportPath(const std::string& text, const std::string& transport,
                              const std::string& rest) {
  if (transport == "docker") {
    if (rest.rfind("//", 0) != 0) Fail("'{}': expected docker://REFERENCE", text);
    std::string ref = rest.substr(2);
    ParseImageReference(ref);  // validated now, before anything is read
    if (ref.empty()) Fail("'{}': empty path", text);
    return {SourceSpec::kRegistry, ref, "", ""};
  }
  if (transport == "oci") {
    auto [dir, tag] = SplitNewLayoutTag(rest);
    if (rest.empty() || rest.front() == ':') Fail("'{}': empty path", text);
    return {SourceSpec::kLayout, dir, tag.value_or(""), ""};
  }
  if (rest.empty()) Fail("'{}': empty path", text);
  return {SourceSpec::kArchive, rest, "", transport};
}

}  // namespace

SourceSpec ParseSourceSpec(const std::string& text) {
  if (text.empty() || text == "scratch") return {};
  if (IsDirectory(text)) return {SourceSpec::kLayout, text, "", ""};
  if (PathExists(text)) return {SourceSpec::kArchive, text, "", ""};
  if (auto split = SplitAtDirectory(text))
    return {SourceSpec::kLayout, split->first, split->second, ""};
  if (IsExplicitRegistryReference(text)) return {SourceSpec::kRegistry, text, "", ""};
  Fail("base {}: no such file or directory (expected scratch, an OCI layout directory[:tag], "
       "an oci-archive, a docker-archive or a registry reference host/repository[:tag]"
       "[@digest])", text);
}

SourceSpec ParseTransportSpec(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos)
    Fail("'{}': expected TRANSPORT:PATH (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, "
         "docker://REFERENCE)", text);
  std::string transport = text.substr(0, colon);
  if (transport != "oci" && transport != "oci-archive" && transport != "docker-archive" &&
      transport != "docker")
    Fail("'{}': unknown transport '{}' (expected oci, oci-archive, docker-archive or docker)",
         text, transport);
  return ParseTransportPath(text, transport, text.substr(colon + 1));
}

std::pair<std::string, std::string> SplitLayoutTag(const std::string& text) {
  if (IsDirectory(text)) return {text, ""};
  if (auto split = SplitAtDirectory(text)) return *split;
  Fail("{}: no such OCI layout directory (expected DIR or DIR:TAG)", text);
}

std::pair<std::string, std::optional<std::string>> SplitNewLayoutTag(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return {text, std::nullopt};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace ocimake
