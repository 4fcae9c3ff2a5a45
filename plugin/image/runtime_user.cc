#include "image/runtime_user.h"

#include <sys/stat.h>

#include <sstream>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace {

struct Account {
  const char* name;
  const char* passwd;
  const char* group;
};

constexpr Account kAccounts[] = {
    {"root", "root:x:0:0:root:/root:/sbin/nologin", "root:x:0:"},
    {"nonroot", "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin", "nonroot:x:65532:"},
    {"nobody", "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin", "nobody:x:65534:"},
};

// Field `field` of the line of `text` (passwd or group format) whose first
// field is `name`; "" when there is none.
std::string LookUp(const std::string& text, const std::string& name, size_t field) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cols = Split(line, ':');
    if (cols.size() > field && cols[0] == name) return cols[field];
  }
  return "";
}

// Field `field` of the line of a passwd text whose uid (field 2) is `id`.
std::string LookUpById(const std::string& text, const std::string& id, size_t field) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cols = Split(line, ':');
    if (cols.size() > field && cols[2] == id) return cols[field];
  }
  return "";
}

// A user or group id: decimal, below 2^32 - 1 ((uid_t)-1 is reserved).
bool IsId(const std::string& s) {
  return IsDecimal(s) && s.size() <= 10 && std::stoull(s) < 4294967295ull;
}

void WriteTreeFile(const std::string& path, const std::string& content) {
  MakeDirs(DirName(path));
  WriteFileIfChanged(path, content);
}

}  // namespace

std::string RuntimeUser(const std::string& settings_user, const std::string& base_user) {
  if (!settings_user.empty()) return settings_user;
  if (!base_user.empty()) return base_user;
  return kNonRootUser;
}

UserIds ResolveUser(const std::string& user, const std::string& passwd, const std::string& group,
                    const std::string& where) {
  size_t colon = user.find(':');
  std::string u = user.substr(0, colon);
  std::string g = colon == std::string::npos ? "" : user.substr(colon + 1);
  UserIds ids;
  std::string uid = IsDecimal(u) ? u : LookUp(passwd, u, 2);
  if (!IsId(uid)) Fail("USER {}: no user '{}' in {}", user, u, where);
  ids.uid = std::stoll(uid);
  // The primary group: the passwd entry's, by name or by uid; else 0.
  std::string primary = IsDecimal(u) ? LookUpById(passwd, u, 3) : LookUp(passwd, u, 3);
  if (IsId(primary)) ids.gid = std::stoll(primary);
  if (!g.empty()) {
    std::string gid = IsDecimal(g) ? g : LookUp(group, g, 2);
    if (!IsId(gid)) Fail("USER {}: no group '{}' in {}", user, g, where);
    ids.gid = std::stoll(gid);
  }
  return ids;
}

std::string WithAccounts(const std::string& base_text, bool group) {
  std::string text = base_text;
  if (!text.empty() && text.back() != '\n') text += "\n";
  for (const Account& a : kAccounts)
    if (LookUp(text, a.name, 0).empty()) text += std::string(group ? a.group : a.passwd) + "\n";
  return text;
}

std::string CheckWritableDir(const std::string& dir) {
  bool absolute = !dir.empty() && dir[0] == '/' && !Trim(dir, "/").empty();
  std::string path = absolute ? NormalizeLayerPath(dir) : "";
  std::string top = path.substr(0, path.find('/'));
  if (path.empty() || top == "proc" || top == "sys" || top == "dev" || path == "tmp")
    Fail("WRITABLE {}: expected an absolute directory in the image other than /, /tmp "
         "(always writable), /proc, /sys and /dev", dir);
  return path;
}

std::vector<LayerEntry> WriteRuntimeTree(const RuntimeTree& runtime, const std::string& tree) {
  MakeDirs(tree);  // kept between runs: unchanged files keep their mtimes
  WriteTreeFile(JoinPath(tree, "etc/passwd"), runtime.passwd);
  WriteTreeFile(JoinPath(tree, "etc/group"), runtime.group);
  std::vector<LayerEntry> entries = {
      {"etc/passwd", JoinPath(tree, "etc/passwd"), EntryOwner{0, 0, 0644}},
      {"etc/group", JoinPath(tree, "etc/group"), EntryOwner{0, 0, 0644}},
      {"home/nonroot", "", EntryOwner{kNonRootId, kNonRootId, 0700}},
      {"tmp", "", EntryOwner{0, 0, 01777}},
  };
  for (const auto& dir : runtime.writable)
    entries.push_back({CheckWritableDir(dir), "", EntryOwner{runtime.ids.uid, runtime.ids.gid, 0755}});
  for (auto& e : entries) {
    if (!e.source.empty()) continue;
    e.source = JoinPath(tree, e.path);  // a directory of its own, so the entry has a source
    MakeDirs(e.source);
  }
  return entries;
}

}  // namespace ocimake
