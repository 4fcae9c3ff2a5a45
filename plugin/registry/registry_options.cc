#include "registry/registry_options.h"

#include <cstdlib>

#include "base/error.h"
#include "base/strings.h"
#include "registry/registry_credentials.h"

namespace ocimake {

int ParseTransferJobs(const std::string& text, const std::string& what) {
  bool digits = !text.empty() && text.size() <= 2 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  int n = digits ? std::stoi(text) : 0;
  if (n < 1 || n > kMaxTransferJobs)
    Fail("{} '{}': expected a number of parallel transfers from 1 to {}", what,
         text.substr(0, 40), kMaxTransferJobs);
  return n;
}

RegistryOptions RegistryOptions::FromEnvironment() {
  RegistryOptions o;
  if (const char* ca = std::getenv("OCIMAKE_CA_FILE"); ca && *ca) o.ca_file = ca;
  if (const char* list = std::getenv("OCIMAKE_INSECURE_REGISTRIES"); list && *list) {
    for (const auto& piece : Split(list, ',')) {
      std::string item = Trim(piece, " ");
      if (!item.empty()) o.insecure.push_back(item);
    }
  }
  if (const char* jobs = std::getenv("OCIMAKE_TRANSFER_JOBS"); jobs && *jobs)
    o.transfer_jobs = ParseTransferJobs(jobs, "OCIMAKE_TRANSFER_JOBS");
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
