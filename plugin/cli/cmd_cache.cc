#include <ctime>
#include <iostream>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "image/structure_check.h"
#include "oci/json_fields.h"
#include "rootfs/cache_inventory.h"

namespace ocimake {

namespace {

std::string FormatTime(int64_t seconds) { return FormatUtc(seconds, "%Y-%m-%d %H:%M"); }

// "7d", "12h", "30m", "45s", "2w", or seconds.
int64_t ParseDuration(const std::string& text) {
  std::string t = Trim(text);
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  std::string unit = t.substr(digits);
  const std::pair<const char*, int64_t> units[] = {
      {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}};
  for (const auto& [name, seconds] : units)
    if (digits > 0 && digits <= 9 && unit == name) return std::stoll(t.substr(0, digits)) * seconds;
  Fail("--older-than '{}': expected a duration such as 7d, 12h, 30m, 45s or 2w", text);
}

std::string CacheDirOf(const std::string& given) {
  return given.empty() ? DefaultCacheDir() : given;
}

void AddCacheOption(CLI::App& app, std::string* cache) {
  app.add_option("--cache", *cache,
                 "the cache directory (default: $OCIMAKE_CACHE_DIR, else "
                 "$XDG_CACHE_HOME/ocimake, else ~/.cache/ocimake)");
}

void PrintJson(const CacheInventory& inv) {
  json entries = json::array();
  for (const auto& e : inv.entries)
    entries.push_back({{"kind", e.kind}, {"name", e.name}, {"path", e.path},
                       {"detail", e.detail}, {"bytes", e.bytes}, {"last_used", e.last_used},
                       {"last_used_utc", FormatTime(e.last_used)}});
  json out = {{"cache_dir", inv.dir}, {"entries", entries}, {"total_bytes", inv.total_bytes}};
  std::cout << out.dump(2) << "\n";
}

void PrintTable(const CacheInventory& inv) {
  size_t width = 4;
  for (const auto& e : inv.entries) width = std::max(width, e.name.size());
  fmt::print("{:<10} {:<{}} {:>10}  {:<16}  {}\n", "KIND", "NAME", width, "SIZE",
             "LAST USED (UTC)", "DETAIL");
  for (const auto& e : inv.entries)
    fmt::print("{:<10} {:<{}} {:>10}  {:<16}  {}\n", e.kind, Printable(e.name), width,
               HumanBytes(e.bytes), FormatTime(e.last_used), Printable(e.detail));
  fmt::print("total {} in {} entr{} ({})\n", HumanBytes(inv.total_bytes), inv.entries.size(),
             inv.entries.size() == 1 ? "y" : "ies", inv.dir);
}

int RunCacheLs(const Args& args) {
  CLI::App app{
      "Lists every entry of ocimake's cache, one a line: its kind, name, size (disk\n"
      "usage; a pulled image counts the blobs it shares with others too), last use\n"
      "(UTC) and what it was made from; then the whole directory's total. Sorted by\n"
      "kind (toolchain, rootfs, debs, mount, oci, repos, diff_ids), then name.\n\n"
      "  ocimake cache ls\n"
      "  ocimake cache ls --json | jq '.entries[] | select(.kind == \"toolchain\")'",
      "cache ls"};
  std::string cache;
  bool json_out = false;
  AddCacheOption(app, &cache);
  app.add_flag("--json", json_out,
               "print {\"cache_dir\", \"entries\": [{\"kind\", \"name\", \"path\", \"detail\", "
               "\"bytes\", \"last_used\", \"last_used_utc\"}], \"total_bytes\"}");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  CacheInventory inv = ListCache(CacheDirOf(cache));
  json_out ? PrintJson(inv) : PrintTable(inv);
  return 0;
}

// The --max-size and --older-than of `ocimake cache prune`, given as text.
struct PruneCommand {
  std::string cache, max_size, older_than;
  bool dry_run = false;
};

PrunePolicy MakePolicy(const PruneCommand& c) {
  if (c.max_size.empty() && c.older_than.empty()) Fail("give --max-size, --older-than or both");
  PrunePolicy policy;
  if (!c.max_size.empty()) policy.max_bytes = ParseSize(c.max_size, "--max-size");
  if (!c.older_than.empty()) policy.older_than = ParseDuration(c.older_than);
  policy.now = static_cast<int64_t>(time(nullptr));
  policy.dry_run = c.dry_run;
  return policy;
}

int RunCachePrune(const Args& args) {
  CLI::App app{
      "Removes whole entries of ocimake's cache, least recently used first, until the\n"
      "cache is at most --max-size, and every entry unused for --older-than. An entry\n"
      "in use (a build running in a toolchain, a pull, an unpacked image being run)\n"
      "is skipped and said so. Prints each entry removed and the space freed. What\n"
      "goes is made again, or pulled again, when a build needs it.\n\n"
      "  ocimake cache prune --max-size 10G\n"
      "  ocimake cache prune --older-than 7d --dry-run",
      "cache prune"};
  PruneCommand c;
  AddCacheOption(app, &c.cache);
  app.add_option("--max-size", c.max_size,
                 "keep the cache at most this big: bytes, or with K, M, G, T (1024-based), "
                 "KiB, MiB, GiB, or kB, MB, GB (1000-based)");
  app.add_option("--older-than", c.older_than,
                 "remove every entry unused for this long: 7d, 12h, 30m, 45s, 2w");
  app.add_flag("--dry-run", c.dry_run, "print what would go, remove nothing");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  PrunePolicy policy = MakePolicy(c);
  CacheInventory inv = ListCache(CacheDirOf(c.cache));
  size_t removed = 0, skipped = 0;
  uint64_t freed = PruneCache(inv, policy, [&](const PruneStep& s) {
    const CacheEntry& e = *s.entry;
    if (s.in_use) ++skipped;
    else ++removed;
    fmt::print("{} {} {} ({})\n", s.in_use ? "in use, kept:" : c.dry_run ? "would remove" : "removed",
               e.kind, Printable(e.name), HumanBytes(s.in_use ? e.bytes : s.freed));
  });
  fmt::print("{} {} in {} entr{}{}; {} entr{} in use kept\n", c.dry_run ? "would free" : "freed",
             HumanBytes(freed), removed, removed == 1 ? "y" : "ies",
             c.dry_run ? "" : " (" + inv.dir + ")", skipped, skipped == 1 ? "y" : "ies");
  return 0;
}

}  // namespace

int RunCache(const Args& args) {
  const std::string usage =
      "Usage: ocimake cache ls|prune [OPTIONS]   (ocimake cache ls --help, ... prune --help)\n\n"
      "Sees and trims every cache ocimake keeps in $OCIMAKE_CACHE_DIR (or --cache):\n"
      "toolchains, unpacked images, the .deb pool, cache mounts, pulled images, and\n"
      "small records (repos, diff_ids).\n\n"
      "  ls     list the entries, their sizes and last use (--json too)\n"
      "  prune  remove entries, least recently used first (--max-size, --older-than)\n";
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? std::cerr : std::cout) << usage;
    return args.empty() ? 2 : 0;
  }
  Args rest(args.begin() + 1, args.end());
  if (args[0] == "ls") return RunCacheLs(rest);
  if (args[0] == "prune") return RunCachePrune(rest);
  std::cerr << "ocimake cache: unknown subcommand '" << Printable(args[0])
            << "' (expected ls or prune; see ocimake cache --help)\n";
  return 2;
}

}  // namespace ocimake
