// Registry credentials, found where docker, podman and skopeo keep them.
// Auth files are searched in order, and the first that knows the registry
// answers:
//   1. $REGISTRY_AUTH_FILE when set, else ${XDG_RUNTIME_DIR}/containers/auth.json
//      (podman's, skopeo's);
//   2. the docker config: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
// Within one file: credHelpers[host] names a helper; else an auths entry
// ("auth": base64 of user:password, or username/password, identitytoken);
// else credsStore names a helper for every host. A helper is the program
// docker-credential-<name>, run as `docker-credential-<name> get` with the
// server on stdin. Nothing found: anonymous.
#ifndef OCIMAKE_REGISTRY_REGISTRY_CREDENTIALS_H_
#define OCIMAKE_REGISTRY_REGISTRY_CREDENTIALS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

std::vector<std::string> AuthFilePaths();
std::string DockerConfigPath();

// Runs docker-credential-<helper> get; nullopt when it has nothing for `server`.
using CredentialHelper =
    std::function<std::optional<Credentials>(const std::string& helper, const std::string& server)>;
std::optional<Credentials> RunCredentialHelper(const std::string& helper,
                                               const std::string& server);

// What one auth file says about `registry` (nullopt: nothing). Keys match
// with or without a scheme and path ("https://host/v1/"); docker.io also
// answers to index.docker.io and registry-1.docker.io.
std::optional<Credentials> FindCredentials(const AuthFile& file, const std::string& registry,
                                           const CredentialHelper& helper = RunCredentialHelper);

// Searches AuthFilePaths(); empty Credentials when none knows the registry.
Credentials LookupCredentials(const std::string& registry);

// Writes `registry`'s credentials into the docker config at `path`: every
// other entry and key kept, mode 0600, replaced atomically.
void StoreCredentials(const std::string& path, const std::string& registry,
                      const Credentials& credentials);

std::string Base64Encode(std::string_view bytes);
// Fails on a character outside the base64 alphabet or a bad length
// (padding optional).
std::string Base64Decode(std::string_view text);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_REGISTRY_CREDENTIALS_H_
