#include "closure/abi_check.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "base/error.h"
#include "base/strings.h"
#include "closure/elf_info.h"
#include "closure/root_path.h"

namespace ocimake {

namespace {

// "GLIBC_2.34" -> {"GLIBC_", {2, 34}}; a name with no number after its last
// '_' ("GLIBC_PRIVATE") is a family of its own, with no numbers.
std::pair<std::string, std::vector<unsigned long>> SplitVersion(const std::string& v) {
  size_t cut = v.rfind('_');
  if (cut == std::string::npos) return {v, {}};
  std::vector<unsigned long> numbers;
  for (const auto& part : Split(v.substr(cut + 1), '.')) {
    if (!IsDecimal(part) || part.size() > 9) return {v, {}};
    numbers.push_back(std::stoul(part));
  }
  return {v.substr(0, cut + 1), numbers};
}

// The newest version of `wanted`'s family in `defined` ("" when none).
std::string NewestOfFamily(const std::vector<std::string>& defined, const std::string& wanted) {
  std::string family = SplitVersion(wanted).first, newest;
  for (const auto& d : defined) {
    auto [f, numbers] = SplitVersion(d);
    if (f == family && !numbers.empty() && (newest.empty() || VersionLess(newest, d)))
      newest = d;
  }
  return newest;
}

// The versions the base's library at `base_path` defines, read once.
class BaseDefinitions {
 public:
  explicit BaseDefinitions(const std::string& root) : root_(root) {}
  const std::vector<std::string>& Of(const std::string& base_path) {
    auto it = cache_.find(base_path);
    if (it != cache_.end()) return it->second;
    RootResolution r;
    if (!ResolveInRoot(root_, base_path, &r))
      Fail("the base's {} is not in its root filesystem {}", base_path, root_);
    return cache_[base_path] = ReadElfVersions(HostPath(root_, r.path)).defined;
  }

 private:
  std::string root_;
  std::map<std::string, std::vector<std::string>> cache_;
};

std::string Mismatch(const ShippedElf& o, const std::string& lib, const std::string& version,
                     const std::vector<std::string>& defined) {
  std::string newest = NewestOfFamily(defined, version);
  std::string has = newest.empty() ? "does not define it" : "has at most " + newest;
  return fmt::format("{} needs {} of {}, but the base's {} {} (build with an older "
                     "toolchain, use a newer base, or ABI_CHECK OFF)",
                     o.image_path, version, lib, lib, has);
}

// The error for the first base library (by name) that lacks a version `o`
// needs from it, naming the newest such version; "" when none lacks any.
std::string CheckObject(const ShippedElf& o, BaseDefinitions* base) {
  std::map<std::string, std::vector<std::string>> missing;  // library -> versions
  for (const auto& need : ReadElfVersions(o.host_path).needs) {
    auto lib = o.from_base.find(need.file);
    if (need.weak || lib == o.from_base.end()) continue;
    const auto& defined = base->Of(lib->second);
    if (std::find(defined.begin(), defined.end(), need.version) == defined.end())
      missing[need.file].push_back(need.version);
  }
  if (missing.empty()) return "";
  auto& [lib, versions] = *missing.begin();
  // The newest numbered one (GLIBC_2.34 tells more than GLIBC_PRIVATE).
  std::sort(versions.begin(), versions.end(), [](const std::string& x, const std::string& y) {
    bool nx = !SplitVersion(x).second.empty(), ny = !SplitVersion(y).second.empty();
    return nx != ny ? ny : VersionLess(x, y);
  });
  return Mismatch(o, lib, versions.back(), base->Of(o.from_base.at(lib)));
}

}  // namespace

bool VersionLess(const std::string& a, const std::string& b) {
  auto sa = SplitVersion(a), sb = SplitVersion(b);
  return std::tie(sa.first, sa.second, a) < std::tie(sb.first, sb.second, b);
}

bool NeedsBaseLibraries(const std::vector<ShippedElf>& objects) {
  return std::any_of(objects.begin(), objects.end(),
                     [](const ShippedElf& o) { return !o.from_base.empty(); });
}

std::string FindAbiMismatch(const std::vector<ShippedElf>& objects,
                            const std::string& base_root) {
  BaseDefinitions base(base_root);
  for (const auto& o : objects) {
    if (o.from_base.empty()) continue;
    std::string error = WithContext(o.image_path, [&] { return CheckObject(o, &base); });
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace ocimake
