// Cache mounts and the compiler cache of a build stage (CACHE_MOUNTS,
// COMPILER_CACHE), like `RUN --mount=type=cache` in a Dockerfile: persistent
// read-write directories kept under the ocimake cache,
//   <cache>/mounts/<toolchain key>/<id>
// bound into the stage (default at /ocimake/cache/<id>) while it builds,
// tests and installs, never into the staging tree, so never into a layer.
// The toolchain key is the toolchain's own cache entry name when its rootfs
// is <cache>/toolchains/<key>/rootfs, else the first 16 hex digits of the
// sha256 of the rootfs path: another toolchain never sees the directory.
// Concurrent builds share a mount (like Docker's sharing=shared); ccache
// locks its own files.
#ifndef OCIMAKE_STAGE_CACHE_MOUNTS_H_
#define OCIMAKE_STAGE_CACHE_MOUNTS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ocimake {

struct CacheMount {
  std::string id;      // [A-Za-z0-9_.-]+
  std::string target;  // the absolute path in the stage
  std::string host;    // the directory on the host (filled by CacheMounts)
};

// "ID[=PATH]": fails with one line on a bad id, a relative or non-normal
// path, or one on (or around) a path the stage uses itself (/src, /build,
// /ocimake/stage, /ocimake/cmake, /ocimake/config, /run/secrets,
// /run/ocimake (the compiler cache remote's socket and configuration), /tmp,
// /proc, /dev, /sys).
CacheMount ParseCacheMount(const std::string& text);

// The directory name that keys the cache mounts of the toolchain whose
// rootfs is `rootfs`.
std::string ToolchainCacheKey(const std::string& rootfs, const std::string& cache_dir);

// The stage's cache mounts (their host directories named, not made): `specs`
// (ID[=PATH]), and for a `compiler_cache` ("ccache") one with its name as
// id at /ocimake/cache/<name> unless `specs` names that id. A repeated id
// or target fails.
std::vector<CacheMount> CacheMounts(const std::vector<std::string>& specs,
                                    const std::string& compiler_cache, const std::string& rootfs,
                                    const std::string& cache_dir);

// What a compiler cache adds to the stage.
struct CompilerCacheSetup {
  std::string kind;                         // "ccache", "sccache", or "" (none)
  std::vector<std::string> configure_args;  // -DCMAKE_<LANG>_COMPILER_LAUNCHER=...
  std::vector<std::pair<std::string, std::string>> env;
  // Shell lines of the stage's script: at its start (sccache: its server,
  // stopped when the script exits; the step "sccache" while it starts), before the build (the statistics of
  // earlier builds forgotten) and after it (sccache: its statistics
  // written to stats_file).
  std::string script_start, build_start, build_end;
  std::string stats_file;  // in the stage: what this build's compilations did
};

// The setup of `kind` ("" gives an empty one; "ccache" or "sccache";
// anything else fails): checks the toolchain `rootfs` has /usr/bin/<kind>
// (naming `toolchain`), its directory the mount of that id among
// `mounts`. With $OCIMAKE_COMPILER_CACHE_RECACHE set (not "0";
// CHECK_REPRODUCIBLE's rebuild sets it), every compilation runs and
// refreshes its entry (CCACHE_RECACHE, SCCACHE_RECACHE): a check of
// reproducibility must compile, not reuse.
CompilerCacheSetup CompilerCache(const std::string& kind, const std::string& rootfs,
                                 const std::string& toolchain,
                                 const std::vector<CacheMount>& mounts);

// ccache's stats log (CCACHE_STATSLOG: "# <file>" then the counters each
// compilation bumped) summed per counter ID (the IDs of `ccache
// --print-stats`: direct_cache_hit, preprocessed_cache_hit, cache_miss,
// remote_storage_hit, ...). "" counts the compilations.
std::map<std::string, long> ReadCcacheStatsLog(const std::string& text);

// sccache's `--show-stats --stats-format json` in the IDs of
// ReadCcacheStatsLog: "" its compile requests, direct_cache_hit its hits,
// cache_miss its misses but the forced ones, recache those (SCCACHE_RECACHE).
// Fails with one line on text that is not sccache's JSON.
std::map<std::string, long> ReadSccacheStats(const std::string& text);

// "compiler cache: 40 hits, 0 misses (ccache)", or "" when nothing was
// compiled.
std::string CompilerCacheSummary(const std::map<std::string, long>& counters,
                                 const std::string& kind);

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_CACHE_MOUNTS_H_
