// The files of installed Debian packages, read from a root's dpkg database
// (<root>/var/lib/dpkg/info/<pkg>.list, or <pkg>:<debian-arch>.list for a
// Multi-Arch: same package; conffiles are in the .list too), as entries for a
// layer (RUNTIME_PACKAGES). Left out: "/.", /usr/share/doc, /usr/share/man,
// /usr/share/info, /usr/share/lintian, and listed paths the root no longer
// has (a diverted or purged file).
//
// Merged /usr: a list names /lib/x86_64-linux-gnu/libz.so.1 while the root's
// /lib is a symlink to usr/lib. Each path's parent directory is resolved in
// the root (chroot semantics), so an entry's path is the canonical one
// (usr/lib/...), and every symlink passed on the way (/lib -> usr/lib) is an
// entry too: the layer never holds a directory where the root has a symlink.
//
// Generated files: what a package's maintainer scripts make is in no .list
// (ca-certificates' /etc/ssl/certs/ca-certificates.crt and hash links, made
// by update-ca-certificates). The rule: a directory the package lists, at
// least three levels deep (/etc/ssl/certs, not /etc, /usr/share or
// /var/lib), that its maintainer scripts (<pkg>.preinst, .postinst, .prerm,
// .postrm, .config) name, gives its non-directory entries that no installed
// package owns. (openssl lists /etc/ssl/certs too, but its scripts do not
// name it, so the bundle comes only with ca-certificates.)
#ifndef OCIMAKE_CLOSURE_PACKAGE_FILES_H_
#define OCIMAKE_CLOSURE_PACKAGE_FILES_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "layer/layer_entries.h"

namespace ocimake {

struct PackageFilesRequest {
  std::string root = "/";             // the root whose dpkg database is read
  std::vector<std::string> packages;  // Debian package names
  std::string debian_arch;            // "amd64": picks <pkg>:amd64.list
};

struct PackageFilesResult {
  std::vector<LayerEntry> entries;  // sorted by path, each path once
  std::vector<std::string> inputs;  // host files and directories read, for a depfile
};

// Fails with one line naming a package that has no .list in the root.
PackageFilesResult ListPackageFiles(const PackageFilesRequest& request);

// Every path an installed package of `root` lists (as listed: "/lib/..."
// in a merged-/usr root too); empty when the root has no dpkg database.
std::set<std::string> PackagedPaths(const std::string& root);
// Whether `path` (absolute, canonical: "/usr/lib/x86_64-linux-gnu/libc.so.6")
// is in `packaged`, under its own name or its merged-/usr alias ("/lib/...").
bool IsPackaged(const std::set<std::string>& packaged, const std::string& path);
// The merged-/usr alias a bookworm .list may name `path` by
// ("/usr/lib/x/libz.so.1" -> "/lib/x/libz.so.1"), or "" when it has none.
std::string MergedUsrAlias(const std::string& path);

// Every path an installed package of `root` lists -> the packages that list
// it, as their .list files are named ("zlib1g:amd64" for a Multi-Arch: same
// package, else "tzdata"), in the order of those names; empty without a
// dpkg database.
std::map<std::string, std::vector<std::string>> PathOwners(const std::string& root);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_PACKAGE_FILES_H_
