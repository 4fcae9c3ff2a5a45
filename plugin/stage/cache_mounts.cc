#include "stage/cache_mounts.h"

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"

namespace ocimake {

namespace {

// What the stage binds or mounts itself: a cache mount may be on none of
// these, below one or above one.
constexpr const char* kReserved[] = {"/src",        "/build",        "/ocimake/stage",
                                     "/ocimake/cmake", "/ocimake/config", "/run/secrets", "/run/ocimake",
                                     "/tmp",        "/proc",         "/dev",
                                     "/sys"};

constexpr char kDefaultParent[] = "/ocimake/cache/";

// `a` is `b` or below it.
bool IsWithin(const std::string& a, const std::string& b) {
  return a == b || StartsWith(a, b + "/");
}

void CheckTarget(const std::string& text, const std::string& target) {
  std::string normal;
  bool climbs = false;
  for (const auto& c : PathComponents(target)) {
    normal += "/" + c;
    climbs = climbs || c == "..";
  }
  if (!StartsWith(target, "/") || normal != target || climbs)
    Fail("CACHE_MOUNTS {}: the path must be absolute and normal (like /root/.cache/x)", text);
  for (const char* reserved : kReserved)
    if (IsWithin(target, reserved) || IsWithin(reserved, target))
      Fail("CACHE_MOUNTS {}: {} is used by the build stage itself; give another path", text,
           reserved);
}

}  // namespace

CacheMount ParseCacheMount(const std::string& text) {
  CacheMount m;
  size_t eq = text.find('=');
  m.id = text.substr(0, eq);
  m.target = eq == std::string::npos ? kDefaultParent + m.id : text.substr(eq + 1);
  static const std::regex kId("[A-Za-z0-9_.-]+");
  if (!std::regex_match(m.id, kId) || m.id == "." || m.id == "..")
    Fail("CACHE_MOUNTS {}: the id must be letters, digits and _.- (ID[=PATH])", text);
  CheckTarget(text, m.target);
  return m;
}

std::string ToolchainCacheKey(const std::string& rootfs, const std::string& cache_dir) {
  std::string toolchains = JoinPath(AbsolutePath(cache_dir), "toolchains") + "/";
  std::string root = AbsolutePath(rootfs);
  if (StartsWith(root, toolchains) && EndsWith(root, "/rootfs")) {
    std::string key = root.substr(toolchains.size(), root.size() - toolchains.size() - 7);
    if (!key.empty() && key.find('/') == std::string::npos) return key;
  }
  return Digest::Of(root).hex().substr(0, 16);
}

std::vector<CacheMount> CacheMounts(const std::vector<std::string>& specs,
                                    const std::string& compiler_cache, const std::string& rootfs,
                                    const std::string& cache_dir) {
  std::vector<CacheMount> mounts;
  std::set<std::string> ids, targets;
  auto add = [&](const std::string& text) {
    CacheMount m = ParseCacheMount(text);
    if (!ids.insert(m.id).second) Fail("CACHE_MOUNTS {}: the id {} is given twice", text, m.id);
    if (!targets.insert(m.target).second)
      Fail("CACHE_MOUNTS {}: the path {} is given twice", text, m.target);
    mounts.push_back(m);
  };
  for (const auto& text : specs) add(text);
  if (!compiler_cache.empty() && !ids.count(compiler_cache)) add(compiler_cache);
  if (mounts.empty()) return mounts;
  std::string base =
      JoinPath(JoinPath(cache_dir, "mounts"), ToolchainCacheKey(rootfs, cache_dir));
  for (auto& m : mounts) m.host = JoinPath(AbsolutePath(base), m.id);
  return mounts;
}

CompilerCacheSetup CompilerCache(const std::string& kind, const std::string& rootfs,
                                 const std::string& toolchain,
                                 const std::vector<CacheMount>& mounts) {
  CompilerCacheSetup setup;
  if (kind.empty()) return setup;
  if (kind == "sccache")
    Fail("COMPILER_CACHE sccache: not supported yet (use ccache)");
  if (kind != "ccache") Fail("COMPILER_CACHE {}: expected ccache", kind);
  if (!PathExists(rootfs + "/usr/bin/ccache"))
    Fail("COMPILER_CACHE ccache: toolchain {} has no /usr/bin/ccache (add ccache to its "
         "PACKAGES)", toolchain.empty() ? rootfs : toolchain);
  std::string dir;
  for (const auto& m : mounts)
    if (m.id == kind) dir = m.target;
  setup.configure_args = {"-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                          "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"};
  setup.stats_log = "/build/.ocimake-ccache-stats.log";
  // content: a compiler changed in place (a ROOTFS toolchain upgraded)
  // hashes differently, where ccache's default (mtime and size) could hit.
  setup.env = {{"CCACHE_DIR", dir},
               {"CCACHE_COMPILERCHECK", "content"},
               {"CCACHE_STATSLOG", setup.stats_log}};
  const char* recache = std::getenv("OCIMAKE_COMPILER_CACHE_RECACHE");
  if (recache && *recache && std::string(recache) != "0")
    setup.env.push_back({"CCACHE_RECACHE", "1"});
  return setup;
}

std::map<std::string, long> ReadCcacheStatsLog(const std::string& text) {
  std::map<std::string, long> counters;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = Trim(line);
    if (line.empty()) continue;
    ++counters[StartsWith(line, "#") ? "" : line];
  }
  return counters;
}

std::string CompilerCacheSummary(const std::map<std::string, long>& counters,
                                 const std::string& kind) {
  auto count = [&](const std::string& id) {
    auto it = counters.find(id);
    return it == counters.end() ? 0L : it->second;
  };
  long calls = count(""), misses = count("cache_miss");
  long hits = count("direct_cache_hit") + count("preprocessed_cache_hit");
  long recached = count("recache");
  if (calls == 0) return "";
  std::string out = fmt::format("compiler cache: {} hit{}", hits, hits == 1 ? "" : "s");
  if (long remote = count("remote_storage_hit"); remote > 0)
    out += fmt::format(" ({} from the remote)", remote);
  out += fmt::format(", {} miss{}", misses, misses == 1 ? "" : "es");
  if (recached > 0) out += fmt::format(", {} recached", recached);
  if (long other = calls - hits - misses - recached; other > 0)
    out += fmt::format(", {} uncacheable", other);
  if (long errors = count("remote_storage_error") + count("remote_storage_timeout"); errors > 0)
    out += fmt::format(", {} remote storage error{}", errors, errors == 1 ? "" : "s");
  return out + " (" + kind + ")";
}

}  // namespace ocimake
