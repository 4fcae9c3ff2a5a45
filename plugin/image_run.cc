#include "image_run.h"

#include <unistd.h>

#include <climits>
#include <sstream>

#include "error.h"
#include "fs_util.h"

namespace ocimake {

namespace {

bool IsNumber(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Looks NAME up in a passwd- or group-format file; returns field `field`.
std::string LookUp(const std::string& file, const std::string& name, int field) {
  if (!PathExists(file)) return "";
  std::istringstream in(ReadFile(file, 16 << 20));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::istringstream l(line);
    std::string c;
    while (std::getline(l, c, ':')) cols.push_back(c);
    if (cols.size() > static_cast<size_t>(field) && cols[0] == name) return cols[field];
  }
  return "";
}

}  // namespace

void ResolveUser(const std::string& rootfs, const std::string& user, int* uid, int* gid) {
  *uid = 0;
  *gid = 0;
  if (user.empty()) return;
  std::string u = user.substr(0, user.find(':'));
  std::string g = user.find(':') == std::string::npos ? "" : user.substr(user.find(':') + 1);
  std::string passwd = JoinPath(rootfs, "etc/passwd"), group = JoinPath(rootfs, "etc/group");
  if (IsNumber(u)) {
    *uid = std::stoi(u);
  } else {
    std::string id = LookUp(passwd, u, 2);
    if (!IsNumber(id)) Fail("USER {}: no user '{}' in the image's /etc/passwd", user, u);
    *uid = std::stoi(id);
    std::string primary = LookUp(passwd, u, 3);
    if (IsNumber(primary)) *gid = std::stoi(primary);
  }
  if (!g.empty()) {
    if (IsNumber(g)) {
      *gid = std::stoi(g);
    } else {
      std::string id = LookUp(group, g, 2);
      if (!IsNumber(id)) Fail("USER {}: no group '{}' in the image's /etc/group", user, g);
      *gid = std::stoi(id);
    }
  }
}

std::string FindSandbox() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string beside = JoinPath(DirName(self), "ocimake-sandbox");
    if (access(beside.c_str(), X_OK) == 0) return beside;
  }
  return "ocimake-sandbox";
}

std::vector<std::string> SandboxCommand(const std::string& sandbox, const RunRequest& r) {
  std::vector<std::string> argv = {sandbox, "--rootfs", r.rootfs};
  std::vector<std::string> command = r.command;
  if (command.empty()) {
    if (r.config.entrypoint) command = *r.config.entrypoint;
    if (r.config.cmd) command.insert(command.end(), r.config.cmd->begin(), r.config.cmd->end());
  }
  command.insert(command.end(), r.args.begin(), r.args.end());
  if (command.empty()) Fail("the image has no entrypoint or cmd, and no command was given");
  std::vector<std::string> env = r.config.env;
  for (const auto& kv : r.env) SetEnv(&env, kv);
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    argv.insert(argv.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
  }
  if (!r.config.working_dir.empty()) argv.insert(argv.end(), {"--chdir", r.config.working_dir});
  int uid = 0, gid = 0;
  ResolveUser(r.rootfs, r.config.user, &uid, &gid);
  argv.insert(argv.end(), {"--uid", std::to_string(uid), "--gid", std::to_string(gid)});
  for (const auto& b : r.binds) {
    std::vector<std::string> parts;
    std::istringstream in(b);
    std::string p;
    while (std::getline(in, p, ':')) parts.push_back(p);
    if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "ro"))
      Fail("bind '{}': expected SRC:DST or SRC:DST:ro", b);
    argv.insert(argv.end(), {parts.size() == 3 ? "--ro-bind" : "--bind", parts[0], parts[1]});
  }
  if (r.share_net) argv.push_back("--share-net");
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

}  // namespace ocimake
