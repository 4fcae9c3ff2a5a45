#include "registry/registry_options.h"

#include <cstdlib>

#include "base/strings.h"
#include "registry/registry_credentials.h"

namespace ocimake {

RegistryOptions RegistryOptions::FromEnvironment() {
  RegistryOptions o;
  if (const char* ca = std::getenv("OCIMAKE_CA_FILE"); ca && *ca) o.ca_file = ca;
  if (const char* list = std::getenv("OCIMAKE_INSECURE_REGISTRIES"); list && *list) {
    for (const auto& piece : Split(list, ',')) {
      std::string item = Trim(piece, " ");
      if (!item.empty()) o.insecure.push_back(item);
    }
  }
  o.credentials = LookupCredentials;
  return o;
}

bool RegistryOptions::IsInsecure(const std::string& registry) const {
  std::string host = registry;
  if (!host.empty() && host[0] == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host == "localhost" || host == "127.0.0.1" || host == "[::1]") return true;
  for (const auto& i : insecure)
    if (i == registry || i == host) return true;
  return false;
}

}  // namespace ocimake
