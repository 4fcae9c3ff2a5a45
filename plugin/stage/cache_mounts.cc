#include "stage/cache_mounts.h"

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "base/digest.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "oci/json_fields.h"

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

namespace {

bool RecacheAsked() {
  const char* recache = std::getenv("OCIMAKE_COMPILER_CACHE_RECACHE");
  return recache && *recache && std::string(recache) != "0";
}

std::vector<std::string> LauncherArgs(const std::string& kind) {
  return {"-DCMAKE_C_COMPILER_LAUNCHER=" + kind, "-DCMAKE_CXX_COMPILER_LAUNCHER=" + kind};
}

// ccache, its directory `dir`: each compilation appends its counters to a
// stats log in the inner build directory, removed before each build.
CompilerCacheSetup Ccache(const std::string& dir) {
  CompilerCacheSetup setup;
  setup.configure_args = LauncherArgs("ccache");
  setup.stats_file = "/build/.ocimake-ccache-stats.log";
  setup.build_start = "rm -f " + setup.stats_file + "\n";
  // content: a compiler changed in place (a ROOTFS toolchain upgraded)
  // hashes differently, where ccache's default (mtime and size) could hit.
  setup.env = {{"CCACHE_DIR", dir},
               {"CCACHE_COMPILERCHECK", "content"},
               {"CCACHE_STATSLOG", setup.stats_file}};
  if (RecacheAsked()) setup.env.push_back({"CCACHE_RECACHE", "1"});
  return setup;
}

// The server's lifetime in the stage's script. sccache --start-server is
// not used: its client spawns the server before it listens for the
// server's "started" message, and a server that comes up first finds no
// one to tell and exits ("Timed out waiting for server startup", seen on a
// loaded machine). The server runs as the script's own background job
// instead (SCCACHE_START_SERVER=1 is what that client sets for it;
// SCCACHE_NO_DAEMON=1 keeps it from forking away), its errors into
// kSccacheErrorLog, and the script waits until it listens on
// 127.0.0.1:kSccachePort (/proc/net/tcp, the sandbox's own), or fails if it
// died. At exit, --stop-server, then `wait` for the job: the server answers
// the stop first and finishes its pending cache writes after, so nothing
// is cut off by the end of the sandbox.
constexpr int kSccachePort = 4226;  // sccache's default
constexpr char kSccacheErrorLog[] = "/build/.ocimake-sccache-error.log";

std::string SccacheServerScript() {
  return fmt::format(
      "step sccache\n"
      "SCCACHE_START_SERVER=1 SCCACHE_NO_DAEMON=1 sccache >/dev/null 2>>{log} &\n"
      "sccache_pid=$!\n"
      "sccache_stop() {{\n"
      "  sccache --stop-server >/dev/null 2>&1 || kill \"$sccache_pid\" 2>/dev/null || :\n"
      "  wait \"$sccache_pid\" 2>/dev/null || :\n"
      "}}\n"
      "trap sccache_stop EXIT\n"
      "n=0\n"
      "until grep -q ' 0100007F:{port:04X} 00000000:0000 0A ' /proc/net/tcp; do\n"
      "  if ! kill -0 \"$sccache_pid\" 2>/dev/null || [ $n -ge 600 ]; then\n"
      "    echo 'ocimake: sccache server did not start; see {log} in the inner build "
      "directory' >&2\n"
      "    exit 1\n"
      "  fi\n"
      "  sleep 0.1; n=$((n + 1))\n"
      "done\n",
      fmt::arg("log", kSccacheErrorLog), fmt::arg("port", kSccachePort));
}

// sccache (0.4, Debian bookworm's) compiles through a server: one per
// script run, on the sandbox's own loopback (its own network namespace, so
// no other build's server answers on the default port 4226), started
// first, its counters zeroed before the build and written as JSON after
// it, stopped when the script exits (SccacheServerScript); the kernel would
// kill it with the sandbox's pid namespace in any case. It never stops
// idle (a long test step). sccache hashes the compiler executable's
// content itself.
CompilerCacheSetup Sccache(const std::string& dir) {
  CompilerCacheSetup setup;
  setup.configure_args = LauncherArgs("sccache");
  setup.stats_file = "/build/.ocimake-sccache-stats.json";
  setup.script_start = SccacheServerScript();
  setup.build_start = "rm -f " + setup.stats_file + "\nsccache --zero-stats >/dev/null\n";
  setup.build_end = "sccache --show-stats --stats-format json >" + setup.stats_file + "\n";
  setup.env = {{"SCCACHE_DIR", dir},
               {"SCCACHE_SERVER_PORT", std::to_string(kSccachePort)},
               {"SCCACHE_IDLE_TIMEOUT", "0"}};
  if (RecacheAsked()) setup.env.push_back({"SCCACHE_RECACHE", "1"});
  return setup;
}

}  // namespace

CompilerCacheSetup CompilerCache(const std::string& kind, const std::string& rootfs,
                                 const std::string& toolchain,
                                 const std::vector<CacheMount>& mounts) {
  if (kind.empty()) return {};
  if (kind != "ccache" && kind != "sccache")
    Fail("COMPILER_CACHE {}: expected ccache or sccache", kind);
  if (!PathExists(rootfs + "/usr/bin/" + kind))
    Fail("COMPILER_CACHE {0}: toolchain {1} has no /usr/bin/{0} (add {0} to its PACKAGES)", kind,
         toolchain.empty() ? rootfs : toolchain);
  std::string dir;
  for (const auto& m : mounts)
    if (m.id == kind) dir = m.target;
  CompilerCacheSetup setup = kind == "ccache" ? Ccache(dir) : Sccache(dir);
  setup.kind = kind;
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

std::map<std::string, long> ReadSccacheStats(const std::string& text) {
  json stats = Member(ParseStrict(text, "sccache's statistics"), "stats", "sccache's statistics");
  auto number = [&](const char* key) {
    const json& value = Member(stats, key, "sccache's statistics");
    if (!value.is_number_integer()) Fail("sccache's statistics: {} is not a number", key);
    return value.get<long>();
  };
  auto sum = [&](const char* key) {  // {"counts": {"C/C++": 5, ...}}
    long total = 0;
    const json& counts = Member(Member(stats, key, "sccache's statistics"), "counts", key);
    for (const auto& [language, value] : counts.items())
      if (value.is_number_integer()) total += value.get<long>();
    return total;
  };
  long recached = number("forced_recaches");
  return {{"", number("compile_requests")},
          {"direct_cache_hit", sum("cache_hits")},
          {"cache_miss", sum("cache_misses") - recached},
          {"recache", recached}};
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
