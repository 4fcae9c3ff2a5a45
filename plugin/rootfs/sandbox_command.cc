#include "rootfs/sandbox_command.h"

#include <sstream>

#include "base/error.h"

namespace ocimake {

Bind ParseBind(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  std::string p;
  while (std::getline(in, p, ':')) parts.push_back(p);
  if (!text.empty() && text.back() == ':') parts.push_back("");
  if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "ro") ||
      parts[0].empty() || parts[1].empty())
    Fail("bind '{}': expected SRC:DST or SRC:DST:ro", text);
  return {parts[0], parts[1], parts.size() == 3};
}

std::vector<std::string> SandboxArgv(const SandboxSpec& s) {
  std::vector<std::string> argv = {s.sandbox, "--rootfs", s.rootfs};
  for (const auto& b : s.binds)
    argv.insert(argv.end(), {b.read_only ? "--ro-bind" : "--bind", b.source, b.target});
  for (const auto& dir : s.overlays) argv.insert(argv.end(), {"--overlay", dir});
  for (const auto& [name, value] : s.env) argv.insert(argv.end(), {"--setenv", name, value});
  if (!s.chdir.empty()) argv.insert(argv.end(), {"--chdir", s.chdir});
  if (s.ids)
    argv.insert(argv.end(), {"--uid", std::to_string(s.ids->first), "--gid",
                             std::to_string(s.ids->second)});
  if (s.share_net) argv.push_back("--share-net");
  if (s.forward_port != 0)
    argv.insert(argv.end(), {"--forward-tcp", std::to_string(s.forward_port), s.forward_socket});
  argv.push_back("--");
  argv.insert(argv.end(), s.command.begin(), s.command.end());
  return argv;
}

std::vector<std::pair<std::string, std::string>> EnvPairs(const std::vector<std::string>& env) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

}  // namespace ocimake
