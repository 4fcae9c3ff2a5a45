// The shared-library closure of the ELF files in a staged tree, resolved in a
// root directory ("/" or a toolchain rootfs) the way ld.so resolves them:
// PT_INTERP; DT_NEEDED searched through DT_RPATH (when there is no
// DT_RUNPATH), DT_RUNPATH, the root's ld.so.conf(.d) and the default
// directories, with $ORIGIN expanded. The staged tree sits on top of the
// root, so a library the tree itself ships is found there first. Every
// symlink passed on the way (the SONAME link, /lib -> usr/lib) is kept, so the
// image resolves the same paths without an ld.so.cache. The ELF files of
// packaged entries (another layer's) are walked the same way.
#ifndef OCIMAKE_CLOSURE_CLOSURE_H_
#define OCIMAKE_CLOSURE_CLOSURE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "layer/layer_entries.h"
#include "oci/platform.h"

namespace ocimake {

struct ClosureRequest {
  std::string stage;               // the staged install tree
  std::string root = "/";          // where libraries are looked up
  std::set<std::string> provided;  // "/usr/lib/..." paths the base image already has
  // Files another layer of the image ships (RUNTIME_PACKAGES): their ELF
  // files are resolved too, and their paths count as provided.
  std::vector<LayerEntry> packaged;
  // When set, every staged ELF file must be this platform's (else: fail).
  const PlatformInfo* platform = nullptr;
};

// An ELF file the image ships (staged, or a library of the closure), and
// the base image's path of each library it needs that the base provides.
struct ShippedElf {
  std::string image_path;  // "/usr/local/bin/app"
  std::string host_path;   // where its bytes are read
  bool staged = false;
  std::map<std::string, std::string> from_base;  // DT_NEEDED name -> base path
};

struct ClosureResult {
  std::vector<LayerEntry> entries;  // what the runtime-libraries layer holds
  std::vector<std::string> inputs;  // host files read, for a Ninja depfile
  // Symlinks the image needs so that ld.so, with no ld.so.cache, finds a
  // library the closure found through ld.so.conf: link path -> target.
  std::map<std::string, std::string> loader_links;
  // Every ELF file read: the staged ones first, each group by image path.
  std::vector<ShippedElf> objects;
};

ClosureResult ComputeClosure(const ClosureRequest& request);

class FileDigestCache;

// What ComputeClosure() reads of a staged tree, as text that changes
// exactly when its result can: a line per ELF file with its content digest
// (its LayerEntry stamp line), per symbolic link with its target, per
// directory, and per other file with its path alone (a data file's edit
// leaves it as it was; a file that becomes ELF does not). `entries` are the
// tree's (EntriesFromTree); `digests` knows their first bytes.
std::string ClosureStageStamp(const std::vector<LayerEntry>& entries, FileDigestCache& digests);

// The library directories a root's /etc/ld.so.conf names, includes expanded.
std::vector<std::string> ReadLdSoConf(const std::string& root,
                                      std::vector<std::string>* files_read);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_CLOSURE_H_
