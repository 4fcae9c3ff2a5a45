// Value types for the OCI image vocabulary. Plain structs, no JSON in sight:
// oci_json.h converts them to and from canonical JSON.
#ifndef OCIMAKE_OCI_OCI_TYPES_H_
#define OCIMAKE_OCI_OCI_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/digest.h"

namespace ocimake {

namespace media_type {
inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciLayer[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char kOciLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char kOciLayerZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr char kDockerManifest[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kDockerConfig[] = "application/vnd.docker.container.image.v1+json";
inline constexpr char kDockerLayerGzip[] =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr char kDockerLayer[] = "application/vnd.docker.image.rootfs.diff.tar";
// OCI 1.1 artifacts (oci/referrers.h): the empty config ("{}"), and the
// artifact types of the documents ocimake attaches to an image.
inline constexpr char kOciEmpty[] = "application/vnd.oci.empty.v1+json";
inline constexpr char kSpdxJson[] = "application/spdx+json";
inline constexpr char kInTotoJson[] = "application/vnd.in-toto+json";
}  // namespace media_type

inline constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
  bool operator==(const Platform& o) const {
    return os == o.os && architecture == o.architecture && variant == o.variant;
  }
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::string artifact_type;  // of an artifact manifest, in an index (OCI 1.1)
};

// A layer descriptor plus the digest of its uncompressed tar (the diff_id).
struct LayerDescriptor {
  Descriptor descriptor;
  Digest diff_id;
  std::string created_by;  // history text
  std::string comment;     // history comment ("left out: ...")
  int64_t entries = -1;    // tar entries; an image leaves out a layer of 0
  std::string split_key;   // a part of a split tree: what its bytes depend on (layer/layer_split.h)
};

struct Manifest {
  std::string media_type = media_type::kOciManifest;
  std::string artifact_type;  // an OCI 1.1 artifact's ("" for an image)
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;  // the manifest an artifact refers to
  std::map<std::string, std::string> annotations;
};

struct Index {
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;
};

// The runtime part of an image config ("config" in the JSON).
struct RuntimeConfig {
  std::string user;
  std::set<std::string> exposed_ports;  // "8080/tcp"
  std::vector<std::string> env;         // "KEY=value"
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
};

struct ImageConfig {
  std::string created;
  std::string author;
  std::string architecture;
  std::string os;
  std::string variant;
  RuntimeConfig config;
  std::vector<Digest> diff_ids;
  std::vector<HistoryEntry> history;
};

// One image of a docker-archive's manifest.json.
struct DockerArchiveImage {
  std::string config;                  // path of the config file in the tarball
  std::vector<std::string> repo_tags;  // "hello:1.0"
  std::vector<std::string> layers;     // paths of the layer files
};

// Registry (distribution spec) documents: where credentials are kept and
// what a token server answers. Read and written by oci_json.cc.
struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth2 refresh token (docker's "identitytoken")
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// A docker config.json or a containers auth.json.
struct AuthFile {
  struct Entry {
    std::string auth;  // base64 of "username:password"
    std::string username;
    std::string password;
    std::string identity_token;
  };
  std::map<std::string, Entry> auths;  // "host", "https://host/v1/", "host/namespace"
  std::map<std::string, std::string> cred_helpers;  // host -> docker-credential-<name>
  std::string creds_store;                          // docker-credential-<name> for all hosts
};

struct TokenResponse {
  std::string token;
  int64_t expires_in = 0;  // seconds; 0 when the server did not say
};

// Sets or replaces KEY in an env list of "KEY=value" strings.
void SetEnv(std::vector<std::string>* env, const std::string& key_value);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_OCI_TYPES_H_
