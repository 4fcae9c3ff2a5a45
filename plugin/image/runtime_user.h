// The user an image runs as, and the files that make it real: non-root by
// default, as distroless and ko images are.
//
//   - The config's user is USER as given, else the base's, else "nonroot",
//     uid and gid 65532 (RuntimeUser).
//   - /etc/passwd and /etc/group are the base's (its lines kept as they are)
//     with root (0), nonroot (65532) and nobody (65534) added when the base
//     has no account of that name (WithAccounts), so USER root and USER
//     nonroot work on scratch too; /home/nonroot belongs to nonroot (0700).
//   - /tmp is 1777; each WRITABLE directory belongs to the runtime user, 0755.
// Users are looked up in those files' texts, never through NSS.
#ifndef OCIMAKE_IMAGE_RUNTIME_USER_H_
#define OCIMAKE_IMAGE_RUNTIME_USER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layer/layer_entries.h"

namespace ocimake {

inline constexpr int64_t kNonRootId = 65532;
inline constexpr char kNonRootUser[] = "65532:65532";

// The user the image's config gets.
std::string RuntimeUser(const std::string& settings_user, const std::string& base_user);

struct UserIds {
  int64_t uid = 0;
  int64_t gid = 0;
};

// "1000", "1000:100", "app" or "app:grp" against passwd- and group-format
// texts. A name found in neither fails, naming it and `where` (where the
// texts came from). A numeric user's group is the passwd entry's of that
// uid, else 0. Ids are below 2^32 - 1.
UserIds ResolveUser(const std::string& user, const std::string& passwd, const std::string& group,
                    const std::string& where);

// The base's passwd (or group, `group` true) text with the built-in
// accounts it lacks (by name) appended; "" when the base has none.
std::string WithAccounts(const std::string& base_text, bool group);

// The runtime layer's entries: /etc/passwd, /etc/group, /home/nonroot, /tmp
// and `writable` (absolute directories), written as files and directories
// below `tree` (each file rewritten only when it changes, so the layer's
// depfile sees no change when none was made) for `ocimake layer --entries`.
struct RuntimeTree {
  std::string passwd, group;       // the merged texts
  UserIds ids;                     // of the runtime user
  std::vector<std::string> writable;
};
std::vector<LayerEntry> WriteRuntimeTree(const RuntimeTree& runtime, const std::string& tree);

// A WRITABLE directory as a layer path ("var/cache/api"); fails naming it
// unless it is absolute, below / and not /tmp, /proc, /sys or /dev.
std::string CheckWritableDir(const std::string& dir);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_RUNTIME_USER_H_
