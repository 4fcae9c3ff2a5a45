// Image references as Docker and the distribution spec write them:
//   [host[:port]/]path[:tag][@sha256:<hex>]
// The first component is a registry host when it contains '.' or ':' or is
// "localhost"; otherwise the registry is docker.io, and a single-component
// path gets "library/" in front ("debian" = "docker.io/library/debian").
// Every part is validated here, before it becomes part of a URL or a path.
#ifndef OCIMAKE_OCI_IMAGE_REFERENCE_H_
#define OCIMAKE_OCI_IMAGE_REFERENCE_H_

#include <string>

#include "base/digest.h"

namespace ocimake {

inline constexpr char kDockerHub[] = "docker.io";

struct ImageReference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/debian", "team/app"
  std::string tag;         // "latest" when neither a tag nor a digest was given
  Digest digest;           // empty unless pinned with "@sha256:..."

  // The canonical form: "registry/repository[:tag][@digest]".
  std::string str() const;
  // What the manifest URL names: the digest when pinned, else the tag.
  std::string reference() const { return digest.empty() ? tag : digest.str(); }
  // "registry/repository", for messages.
  std::string name() const { return registry + "/" + repository; }
};

// Parses and validates a reference; fails with a one-line message naming it.
ImageReference ParseImageReference(const std::string& text);

// True when `text` parses as a reference whose first component names a
// registry host explicitly ("127.0.0.1:5000/app", "ghcr.io/o/app:1"), so it
// cannot be mistaken for a relative path ("build/base", "base:1.0").
bool IsExplicitRegistryReference(const std::string& text);

// A tag as the spec allows it: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool IsValidTag(const std::string& tag);
// A repository path: lowercase components separated by '/'.
bool IsValidRepository(const std::string& repository);
// A registry host: a host name, IPv4 or [IPv6] address, optional :port.
bool IsValidRegistryHost(const std::string& host);

// Where the registry's API is served: docker.io's is registry-1.docker.io.
std::string RegistryApiHost(const std::string& registry);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_IMAGE_REFERENCE_H_
