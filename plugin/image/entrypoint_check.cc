#include "image/entrypoint_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"
#include "layer/layer_entries.h"

namespace ocimake {

namespace fs = std::filesystem;

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Every path of the staged tree and of the closure, absolute in the image.
std::set<std::string> OwnPaths(const ImageContents& c) {
  std::set<std::string> out;
  if (!c.stage_dir.empty() && IsDirectory(c.stage_dir)) {
    for (const auto& e : EntriesFromTree(c.stage_dir)) out.insert("/" + e.path);
  }
  for (const auto& file : c.entries_files) {
    if (!PathExists(file)) continue;
    for (const auto& e : EntriesFromListFile(file)) out.insert("/" + e.path);
  }
  return out;
}

// There, or below a path the set has with nothing listed under it (a
// symlinked directory such as a merged-/usr base's /bin).
bool Holds(const std::set<std::string>& paths, const std::string& path) {
  if (paths.count(path)) return true;
  for (size_t slash = path.rfind('/'); slash != 0 && slash != std::string::npos;
       slash = path.rfind('/', slash - 1)) {
    std::string parent = path.substr(0, slash);
    if (!paths.count(parent)) continue;
    auto next = paths.upper_bound(parent);
    return next == paths.end() || next->compare(0, parent.size() + 1, parent + "/") != 0;
  }
  return false;
}

// Where the program would be looked for: itself, or each PATH entry.
std::vector<std::string> Locations(const RuntimeConfig& config, const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (program[0] == '/') return {program};
    std::string dir = config.working_dir.empty() ? "/" : config.working_dir;
    return {"/" + NormalizeLayerPath(dir + "/" + program)};
  }
  std::string path_var;
  for (const auto& kv : config.env)
    if (kv.rfind("PATH=", 0) == 0) path_var = kv.substr(5);
  std::vector<std::string> out;
  std::istringstream in(path_var);
  for (std::string dir; std::getline(in, dir, ':');)
    if (!dir.empty() && dir[0] == '/') out.push_back("/" + NormalizeLayerPath(dir + "/" + program));
  return out;
}

}  // namespace

std::string ClosestPath(const std::string& wanted, const std::set<std::string>& candidates) {
  std::string best;
  size_t best_score = SIZE_MAX;
  std::string name = BaseName(wanted);
  for (const auto& c : candidates) {
    size_t score = EditDistance(BaseName(c), name) * 1000 +
                   (wanted.find('/') == std::string::npos ? c.size() : EditDistance(c, wanted));
    if (score < best_score) best_score = score, best = c;
  }
  return best;
}

void CheckEntrypoint(const RuntimeConfig& config, const ImageContents& contents) {
  const char* keyword = "ENTRYPOINT";
  std::string program;
  if (config.entrypoint && !config.entrypoint->empty()) {
    program = config.entrypoint->front();
  } else if (config.cmd && !config.cmd->empty()) {
    keyword = "CMD";
    program = config.cmd->front();
  }
  if (program.empty()) return;
  std::vector<std::string> where = Locations(config, program);
  std::set<std::string> own = OwnPaths(contents);
  for (const auto& p : where)
    if (Holds(own, p)) return;
  std::set<std::string> base = contents.base_files ? contents.base_files() : std::set<std::string>{};
  for (const auto& p : where)
    if (Holds(base, p)) return;
  own.insert(base.begin(), base.end());
  std::string closest = ClosestPath(program, own);
  std::string hint = closest.empty() ? "" : " (closest: " + closest + ")";
  if (program.find('/') == std::string::npos)
    Fail("{} {}: not found on the image's PATH{}", keyword, program, hint);
  Fail("{} {}: not in the image{}", keyword, program, hint);
}

}  // namespace ocimake
