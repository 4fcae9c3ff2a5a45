#include "image/structure_check.h"

#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "closure/base_files.h"
#include "layer/layer_reader.h"
#include "oci/json_fields.h"

namespace ocimake {

namespace {

using Failures = std::vector<std::string>;

// ---- parsing the checks ----------------------------------------------------

// The tar name of the absolute `path` ("/usr//./bin/x" -> "usr/bin/x"; "/"
// -> "").
std::string TreePath(const std::string& check, const std::string& path) {
  if (!StartsWith(path, "/")) Fail("{}: {}: expected an absolute path", check, path);
  std::string out;
  for (const auto& part : PathComponents(path)) {
    if (part == "..") Fail("{}: {}: expected a path without \"..\"", check, path);
    out += (out.empty() ? "" : "/") + part;
  }
  return out;
}

// "<path>=<value>" -> {path, value}; `expected` names the value's form.
std::pair<std::string, std::string> PathAndValue(const std::string& check,
                                                 const std::string& item,
                                                 const char* expected) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0)
    Fail("{}: {}: expected <path>={}", check, item, expected);
  std::string path = item.substr(0, eq);
  TreePath(check, path);
  return {path, item.substr(eq + 1)};
}

uint32_t ParseMode(const std::string& item, const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("01234567") != std::string::npos)
    Fail("FILE_MODE: {}: expected an octal mode like 0755", item);
  uint32_t mode = std::stoul(text, nullptr, 8);
  if (mode > 07777) Fail("FILE_MODE: {}: expected an octal mode like 0755", item);
  return mode;
}

void ParseOwner(const std::string& item, const std::string& text) {
  std::vector<std::string> ids = Split(text, ':');
  if (ids.size() != 2 || !IsDecimal(ids[0]) || !IsDecimal(ids[1]))
    Fail("FILE_OWNER: {}: expected <path>=<uid>:<gid> (numbers)", item);
}

std::regex ParseRegex(const std::string& item, const std::string& text) {
  try {
    return std::regex(text, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& e) {
    Fail("FILE_CONTENT: {}: bad regular expression ({})", item, e.what());
  }
}

// "8080" -> "8080/tcp"; "53/udp" stays.
std::string ParsePort(const std::string& text) {
  std::vector<std::string> parts = Split(text, '/');
  bool ok = parts.size() <= 2 && IsDecimal(parts[0]) && parts[0].size() <= 5 &&
            std::stoul(parts[0]) <= 65535;
  std::string proto = parts.size() == 2 ? ToLower(parts[1]) : "tcp";
  if (!ok || (proto != "tcp" && proto != "udp" && proto != "sctp"))
    Fail("EXPOSES: {}: expected a port like 8080, 8080/tcp or 53/udp", text);
  return parts[0] + "/" + proto;
}

// ---- the config's checks ---------------------------------------------------

bool UserMatches(const std::string& have, const std::string& want) {
  if (have == want) return true;
  size_t colon = have.find(':');
  return IsDecimal(want) && colon != std::string::npos && have.substr(0, colon) == want;
}

// The value of `key` in "KEY=value" items (the last one), nullopt if unset.
std::optional<std::string> EnvValue(const std::vector<std::string>& env, const std::string& key) {
  std::optional<std::string> value;
  for (const auto& kv : env)
    if (kv.compare(0, key.size() + 1, key + "=") == 0 || kv == key)
      value = kv.size() > key.size() ? kv.substr(key.size() + 1) : "";
  return value;
}

// A "KEY=value" or "KEY" check against `have` (unset: nullopt).
void CheckKeyValue(const char* check, const std::string& item,
                   const std::optional<std::string>& have, Failures* out) {
  size_t eq = item.find('=');
  std::string key = item.substr(0, eq);
  if (!have) return out->push_back(fmt::format("{}: {} is not set", check, key));
  if (eq == std::string::npos) return;
  std::string want = item.substr(eq + 1);
  if (*have != want)
    out->push_back(fmt::format("{}: {}=\"{}\", expected \"{}\"", check, key, *have, want));
}

std::string ShownList(const std::optional<std::vector<std::string>>& list) {
  if (!list || list->empty()) return "none";
  return Dump(json(*list));
}

void CheckConfig(const RuntimeConfig& c, const StructureChecks& checks, Failures* out) {
  if (checks.user && !UserMatches(c.user, *checks.user))
    out->push_back(fmt::format("USER: \"{}\", expected \"{}\"", c.user, *checks.user));
  if (checks.entrypoint && c.entrypoint.value_or(std::vector<std::string>{}) != *checks.entrypoint)
    out->push_back(fmt::format("ENTRYPOINT: {}, expected {}", ShownList(c.entrypoint),
                               ShownList(checks.entrypoint)));
  for (const auto& item : checks.env)
    CheckKeyValue("ENV", item, EnvValue(c.env, item.substr(0, item.find('='))), out);
  for (const auto& item : checks.exposes) {
    std::string port = ParsePort(item);
    if (c.exposed_ports.count(port)) continue;
    std::vector<std::string> have(c.exposed_ports.begin(), c.exposed_ports.end());
    out->push_back(fmt::format("EXPOSES: {} is not exposed (exposed: {})", port,
                               have.empty() ? "none" : fmt::format("{}", fmt::join(have, " "))));
  }
  for (const auto& item : checks.image_labels) {
    auto it = c.labels.find(item.substr(0, item.find('=')));
    CheckKeyValue("IMAGE_LABELS", item,
                  it == c.labels.end() ? std::nullopt : std::optional<std::string>(it->second),
                  out);
  }
}

// ---- the merged root filesystem --------------------------------------------

struct TreeNode {
  LayerTarEntry entry;
  std::optional<std::string> content;  // read for the FILE_CONTENT paths only
};
using Tree = std::map<std::string, TreeNode>;  // by tar name ("usr/bin/x")

// Removes what is below `dir` ("" is the root), but the paths in `keep`.
void RemoveBelow(Tree* tree, const std::string& dir, const std::set<std::string>& keep) {
  std::string prefix = dir.empty() ? "" : dir + "/";
  auto it = tree->lower_bound(prefix);
  while (it != tree->end() && StartsWith(it->first, prefix))
    it = keep.count(it->first) ? std::next(it) : tree->erase(it);
}

// Lays layer `d` over `tree`: its entries replace those of lower layers (a
// non-directory hides what was below that path), its whiteouts delete.
void MergeLayer(const OciLayout& layout, const Descriptor& d, const std::set<std::string>& wanted,
                Tree* tree) {
  std::string what = "layer " + d.digest.str();
  if (!layout.VerifyBlob(d)) Fail("{}: missing or does not match its digest", what);
  LayerReader reader(layout.BlobPath(d.digest), what);
  std::set<std::string> added;  // by this layer: its own whiteouts hide lower layers only
  LayerTarEntry e;
  while (reader.Next(&e)) {
    bool deletes = e.type == LayerTarEntry::kWhiteout || e.type == LayerTarEntry::kOpaque;
    if (e.type != LayerTarEntry::kDir) RemoveBelow(tree, e.path, added);
    if (e.type == LayerTarEntry::kWhiteout && !added.count(e.path)) tree->erase(e.path);
    if (deletes) continue;
    TreeNode& node = (*tree)[e.path] = TreeNode{e, std::nullopt};
    added.insert(e.path);
    if (e.type != LayerTarEntry::kFile || !wanted.count(e.path)) continue;
    node.content.emplace();
    reader.ReadContent([&](const char* p, size_t n) { node.content->append(p, n); });
  }
}

Tree MergedTree(const LoadedImage& image, const std::set<std::string>& wanted) {
  Tree tree;
  for (const auto& l : image.manifest.layers)
    WithContext(image.name, [&] { MergeLayer(*image.layout, l, wanted, &tree); });
  return tree;
}

const TreeNode* Find(const Tree& tree, const std::string& path) {
  if (path.empty()) return nullptr;  // the root: no entry, but always there
  auto it = tree.find(path);
  return it == tree.end() ? nullptr : &it->second;
}

bool Exists(const Tree& tree, const std::string& path) {
  return path.empty() || tree.count(path);
}

// ---- the files' checks -----------------------------------------------------

void CheckPresence(const Tree& tree, const StructureChecks& checks, Failures* out) {
  for (const auto& p : checks.files_present)
    if (!Exists(tree, TreePath("FILES_PRESENT", p)))
      out->push_back(fmt::format("FILES_PRESENT: {} is absent", p));
  for (const auto& p : checks.files_absent)
    if (Exists(tree, TreePath("FILES_ABSENT", p)))
      out->push_back(fmt::format("FILES_ABSENT: {} is present", p));
}

void CheckModesAndOwners(const Tree& tree, const StructureChecks& checks, Failures* out) {
  for (const auto& item : checks.file_modes) {
    auto [path, text] = PathAndValue("FILE_MODE", item, "<octal mode>");
    uint32_t want = ParseMode(item, text);
    const TreeNode* n = Find(tree, TreePath("FILE_MODE", path));
    if (!n) out->push_back(fmt::format("FILE_MODE: {} is absent", path));
    else if ((n->entry.mode & 07777) != want)
      out->push_back(fmt::format("FILE_MODE: {} is {:04o}, expected {:04o}", path,
                                 n->entry.mode & 07777, want));
  }
  for (const auto& item : checks.file_owners) {
    auto [path, want] = PathAndValue("FILE_OWNER", item, "<uid>:<gid>");
    ParseOwner(item, want);
    const TreeNode* n = Find(tree, TreePath("FILE_OWNER", path));
    std::string have = n ? fmt::format("{}:{}", n->entry.uid, n->entry.gid) : "";
    if (!n) out->push_back(fmt::format("FILE_OWNER: {} is absent", path));
    else if (have != want)
      out->push_back(fmt::format("FILE_OWNER: {} is {}, expected {}", path, have, want));
  }
}

// The content of the regular file `n` (a hardlink: of its target, read
// again from the layers); nullopt when it is no regular file.
std::optional<std::string> ContentOf(const LoadedImage& image, const Tree& tree,
                                     const TreeNode& n) {
  if (n.entry.type == LayerTarEntry::kFile) return n.content;
  if (n.entry.type != LayerTarEntry::kHardlink) return std::nullopt;
  const TreeNode* target = Find(tree, n.entry.link);
  if (!target || target->entry.type != LayerTarEntry::kFile) return std::nullopt;
  std::map<std::string, std::string> files =
      ReadImageFiles(image, {"/" + n.entry.link}, std::numeric_limits<int64_t>::max());
  auto it = files.find("/" + n.entry.link);
  return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void CheckContents(const LoadedImage& image, const Tree& tree, const StructureChecks& checks,
                   Failures* out) {
  for (const auto& item : checks.file_contents) {
    auto [path, text] = PathAndValue("FILE_CONTENT", item, "<regex>");
    std::regex re = ParseRegex(item, text);
    const TreeNode* n = Find(tree, TreePath("FILE_CONTENT", path));
    std::optional<std::string> content = n ? ContentOf(image, tree, *n) : std::nullopt;
    if (!n)
      out->push_back(fmt::format("FILE_CONTENT: {} is absent", path));
    else if (!content)
      out->push_back(fmt::format("FILE_CONTENT: {} is a {}, not a regular file", path,
                                 TypeName(n->entry.type)));
    else if (!std::regex_search(*content, re))
      out->push_back(fmt::format("FILE_CONTENT: {} does not match \"{}\"", path, text));
  }
}

// ---- sizes -----------------------------------------------------------------

struct SizeUnit {
  const char* name;
  uint64_t bytes;
};
constexpr SizeUnit kUnits[] = {{"B", 1},
                               {"kB", 1000},
                               {"MB", 1000 * 1000},
                               {"GB", 1000 * 1000 * 1000},
                               {"KiB", 1024},
                               {"MiB", 1024 * 1024},
                               {"GiB", 1024 * 1024 * 1024},
                               {"K", 1024},
                               {"M", 1024 * 1024},
                               {"G", 1024 * 1024 * 1024},
                               {"T", 1024ull * 1024 * 1024 * 1024}};

// The unit `text` ends with ("" when plain bytes).
std::string UnitOf(const std::string& text) {
  std::string t = Trim(text);
  size_t end = t.find_last_of("0123456789.");
  return end == std::string::npos ? "" : Trim(t.substr(end + 1));
}

// "25.3 MB (26532111 bytes of compressed layers) is over 20 MB"
void CheckSize(const char* check, const std::string& limit_text, uint64_t have,
               const char* counted, Failures* out) {
  uint64_t limit = ParseSize(limit_text, check);
  if (have <= limit) return;
  std::string unit = UnitOf(limit_text);
  if (unit.empty() || unit == "B") {
    out->push_back(fmt::format("{}: {} bytes of {} is over {} bytes", check, have, counted, limit));
    return;
  }
  uint64_t per = 1;
  for (const auto& u : kUnits)
    if (unit == u.name) per = u.bytes;
  out->push_back(fmt::format("{}: {:.1f} {} ({} bytes of {}) is over {} {}", check,
                             static_cast<double>(have) / per, unit, have, counted,
                             Trim(limit_text.substr(0, limit_text.rfind(unit))), unit));
}

// Sums that saturate: a tar entry may claim any size (a sparse file up to
// 2^63), and a total that wrapped around would pass a size limit.
uint64_t AddSaturating(uint64_t a, uint64_t b) {
  uint64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

uint64_t CompressedSize(const LoadedImage& image) {
  uint64_t total = 0;
  for (const auto& l : image.manifest.layers) total = AddSaturating(total, l.size);
  return total;
}

uint64_t UnpackedSize(const Tree& tree) {
  uint64_t total = 0;
  for (const auto& [path, node] : tree)
    if (node.entry.type == LayerTarEntry::kFile) total = AddSaturating(total, node.entry.size);
  return total;
}

bool NeedsTree(const StructureChecks& c) {
  return !c.files_present.empty() || !c.files_absent.empty() || !c.file_modes.empty() ||
         !c.file_owners.empty() || !c.file_contents.empty() || c.max_unpacked_size;
}

std::set<std::string> ContentPaths(const StructureChecks& checks) {
  std::set<std::string> paths;
  for (const auto& item : checks.file_contents)
    paths.insert(TreePath("FILE_CONTENT", PathAndValue("FILE_CONTENT", item, "<regex>").first));
  return paths;
}

}  // namespace

uint64_t ParseSize(const std::string& text, const std::string& check) {
  static const std::regex kSize(R"(([0-9]+(\.[0-9]+)?) *([A-Za-z]*))");
  std::smatch m;
  std::string t = Trim(text);
  if (std::regex_match(t, m, kSize)) {
    for (const auto& u : kUnits) {
      if (m[3] != u.name && !(m[3].length() == 0 && u.bytes == 1)) continue;
      double bytes = std::stod(m[1]) * static_cast<double>(u.bytes);
      if (bytes < 1.8e19) return static_cast<uint64_t>(std::llround(bytes));
    }
  }
  Fail("{}: bad size \"{}\": expected a number of bytes, or one with kB, MB, GB (1000-based), "
       "KiB, MiB, GiB, or K, M, G, T (1024-based)",
       check, text);
}

size_t CountChecks(const StructureChecks& c) {
  return (c.user ? 1 : 0) + (c.entrypoint ? 1 : 0) + c.env.size() + c.exposes.size() +
         c.image_labels.size() + c.files_present.size() + c.files_absent.size() +
         c.file_modes.size() + c.file_owners.size() + c.file_contents.size() +
         (c.max_size ? 1 : 0) + (c.max_unpacked_size ? 1 : 0);
}

void ValidateChecks(const StructureChecks& c) {
  for (const auto& item : c.env)
    if (item.empty() || item[0] == '=') Fail("ENV: \"{}\": expected KEY=value or KEY", item);
  for (const auto& item : c.image_labels)
    if (item.empty() || item[0] == '=') Fail("IMAGE_LABELS: \"{}\": expected key=value or key", item);
  for (const auto& item : c.exposes) ParsePort(item);
  for (const auto& p : c.files_present) TreePath("FILES_PRESENT", p);
  for (const auto& p : c.files_absent) TreePath("FILES_ABSENT", p);
  for (const auto& item : c.file_modes)
    ParseMode(item, PathAndValue("FILE_MODE", item, "<octal mode>").second);
  for (const auto& item : c.file_owners)
    ParseOwner(item, PathAndValue("FILE_OWNER", item, "<uid>:<gid>").second);
  for (const auto& item : c.file_contents)
    ParseRegex(item, PathAndValue("FILE_CONTENT", item, "<regex>").second);
  if (c.max_size) ParseSize(*c.max_size, "MAX_SIZE");
  if (c.max_unpacked_size) ParseSize(*c.max_unpacked_size, "MAX_UNPACKED_SIZE");
}

std::vector<std::string> CheckStructure(const LoadedImage& image, const StructureChecks& checks) {
  ValidateChecks(checks);
  Failures out;
  CheckConfig(image.config.config, checks, &out);
  Tree tree;
  if (NeedsTree(checks)) tree = MergedTree(image, ContentPaths(checks));
  CheckPresence(tree, checks, &out);
  CheckModesAndOwners(tree, checks, &out);
  CheckContents(image, tree, checks, &out);
  if (checks.max_size)
    CheckSize("MAX_SIZE", *checks.max_size, CompressedSize(image), "compressed layers", &out);
  if (checks.max_unpacked_size)
    CheckSize("MAX_UNPACKED_SIZE", *checks.max_unpacked_size, UnpackedSize(tree),
              "regular files", &out);
  return out;
}

}  // namespace ocimake
