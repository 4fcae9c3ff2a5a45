#include <iostream>
#include <string>

#include "base/error.h"
#include "cli/cli.h"
#include "oci/image_reference.h"
#include "registry/registry_client.h"
#include "registry/registry_credentials.h"

namespace ocimake {

namespace {

// "https://host:5000/" -> "host:5000"
std::string HostOf(std::string text) {
  for (const char* scheme : {"https://", "http://"})
    if (text.rfind(scheme, 0) == 0) text = text.substr(std::string(scheme).size());
  text = text.substr(0, text.find('/'));
  if (text == "index.docker.io" || text == "registry-1.docker.io") text = kDockerHub;
  if (!IsValidRegistryHost(text)) Fail("'{}': not a registry host (expected HOST[:PORT])", text);
  return text;
}

}  // namespace

int RunLogin(const Args& args) {
  CLI::App app{
      "Checks credentials with a registry and stores them in the docker config\n"
      "($DOCKER_CONFIG/config.json, else ~/.docker/config.json; mode 0600, replaced\n"
      "atomically, other entries kept), where ocimake, docker, podman and skopeo find\n"
      "them. The password is read from stdin, never from the command line.\n\n"
      "  echo \"$TOKEN\" | ocimake login registry.example.com -u ci --password-stdin\n"
      "  ocimake login 127.0.0.1:5000 -u admin --password-stdin --ca-file ca.pem < pw.txt\n\n"
      "ocimake also reads credentials from $REGISTRY_AUTH_FILE or\n"
      "${XDG_RUNTIME_DIR}/containers/auth.json (podman's), and from docker credential\n"
      "helpers (credHelpers, credsStore): see docs/registries.md.",
      "login"};
  std::string host, username, auth_file;
  bool password_stdin = false;
  RegistryFlags flags;
  app.add_option("registry", host, "HOST[:PORT] of the registry")->required();
  app.add_option("-u,--username", username, "user name")->required();
  app.add_flag("--password-stdin", password_stdin, "read the password from stdin")->required();
  app.add_option("--auth-file", auth_file, "store in this file instead of the docker config");
  AddRegistryFlags(app, &flags, /*with_cache=*/false);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  std::string registry = HostOf(host);
  std::string password((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
    password.pop_back();
  if (password.empty()) Fail("no password on stdin");
  Credentials credentials{username, password, ""};
  RegistryOptions options = MakeRegistryOptions(flags);
  options.credentials = [&](const std::string&) { return credentials; };
  RegistryClient(registry, options).CheckLogin();
  std::string path = auth_file.empty() ? DockerConfigPath() : auth_file;
  StoreCredentials(path, registry, credentials);
  std::cout << "login succeeded: " << registry << " (credentials stored in " << path << ")\n";
  return 0;
}

}  // namespace ocimake
