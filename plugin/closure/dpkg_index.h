// What a root's dpkg database says about its files, for an SBOM: the
// installed package that lists a path (merged-/usr aware: a list naming
// /lib/x86_64-linux-gnu/libc.so.6 owns /usr/lib/x86_64-linux-gnu/libc.so.6),
// and each installed package's version and architecture (from
// <root>/var/lib/dpkg/status) and, read only for the packages asked about,
// declared license (from <root>/usr/share/doc/<pkg>/copyright when it is
// machine-readable, DEP-5; else NOASSERTION).
#ifndef OCIMAKE_CLOSURE_DPKG_INDEX_H_
#define OCIMAKE_CLOSURE_DPKG_INDEX_H_

#include <map>
#include <string>
#include <vector>

namespace ocimake {

struct DebianPackage {
  std::string name;          // "libfmt9"
  std::string version;       // "9.1.0+ds1-2"
  std::string architecture;  // "amd64", "all"
  std::string license = "NOASSERTION";  // an SPDX expression, or NOASSERTION
};

// The installed packages of a dpkg status file ("Status: install ok
// installed" only), keyed by "<name>:<architecture>" (a Multi-Arch: same
// package may be installed for several).
std::map<std::string, DebianPackage> ParseDpkgStatus(const std::string& text);

// The license of the "Files: *" paragraph of a DEP-5 copyright file, as an
// SPDX expression (Debian's short names mapped: Expat -> MIT, GPL-2+ ->
// GPL-2.0-or-later, "and"/"or" -> AND/OR); NOASSERTION when the file is not
// machine-readable, has no such paragraph, or names a license (or an
// exception) this does not know.
std::string DeclaredLicense(const std::string& copyright);

class DpkgIndex {
 public:
  // Empty when `root` has no dpkg database.
  static DpkgIndex Read(const std::string& root);

  bool empty() const { return packages_.empty(); }
  // The package that lists `path` (absolute, canonical; the first by the
  // name of its .list when several do), or nullptr.
  const DebianPackage* Owner(const std::string& path) const;
  // The first of `names` that lists `path`, or nullptr.
  const DebianPackage* OwnerAmong(const std::string& path,
                                  const std::vector<std::string>& names) const;
  // The package `key` names, as a .list is named: "zlib1g:arm64" that
  // architecture's, "tzdata" the first of that name; or nullptr.
  const DebianPackage* Find(const std::string& key) const;
  // `package` with its declared license, from the root's
  // /usr/share/doc/<name>/copyright (resolved inside the root).
  DebianPackage WithLicense(const DebianPackage& package) const;

 private:
  std::string root_;
  // The packages listing `path`, under its own name or its merged-/usr alias.
  const std::vector<std::string>* Listers(const std::string& path) const;

  std::map<std::string, std::vector<std::string>> owners_;  // listed path -> package names
  std::map<std::string, DebianPackage> packages_;
};

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_DPKG_INDEX_H_
