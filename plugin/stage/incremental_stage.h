// Incremental staging: `ocimake stage` installs into the previous staging
// tree instead of an empty one, so `cmake --install` copies only what
// changed (it skips a file whose time matches its source's: "Up-to-date")
// and a one-file edit of a 100,000-file install does not copy 100,000 files.
//
// The result must be the tree a fresh install makes, so what the install no
// longer puts there is removed. An entry of the reused tree is kept when
//   - the install scripts recorded it (CMAKE_INSTALL_MANIFEST_FILES: every
//     file(INSTALL), up to date or copied), or
//   - it changed during this install (its ctime is not older than a marker
//     made just before: install(CODE) that writes a file), or
//   - a fresh install of the same install scripts left it unrecorded too
//     (install(CODE) that writes only when different), or
//   - it is a directory that still holds a kept entry;
// everything else is removed. When the install scripts changed and an entry
// could only be kept by the last rule, the state cannot tell stale from
// current: Prune says so and the caller installs afresh.
//
// The state (the scripts' fingerprint, the unrecorded entries of the last
// fresh install) is kept beside the tree in `.<name>.state`; without it (an
// older ocimake, a failed run) the install is a fresh one.
#ifndef OCIMAKE_STAGE_INCREMENTAL_STAGE_H_
#define OCIMAKE_STAGE_INCREMENTAL_STAGE_H_

#include <set>
#include <string>

#include "base/fs_util.h"

namespace ocimake {

class IncrementalStage {
 public:
  // `out`: the staging tree (absolute path).
  explicit IncrementalStage(std::string out);

  // Moves the previous tree, when there is one with its state, into `temp`
  // (an empty TempDir) and marks the time; returns whether it did.
  bool Seed(TempDir& temp);

  // After the install into `temp`: removes what the install did not put
  // there (see above). `installed`: the image paths the install recorded;
  // `fingerprint`: the install scripts' and commands' now (after the
  // install: a toolchain build may regenerate them). Returns false, having removed
  // nothing, when a fresh install is needed (the next Prune is then of a
  // fresh tree). A fresh (unseeded) tree only has its unrecorded entries
  // noted.
  bool Prune(const std::string& temp, const std::set<std::string>& installed,
             const std::string& fingerprint);

  // After the tree is renamed to `out`: writes the state for the next run.
  void Commit();

  // How many entries Prune removed, and whether the last install was
  // incremental.
  size_t removed() const { return removed_; }
  bool seeded() const { return seeded_; }

 private:
  bool Restart();  // forgets the reused tree; returns false

  std::string out_, state_file_, marker_;
  std::string old_fingerprint_, fingerprint_;
  std::set<std::string> old_unrecorded_, unrecorded_;
  bool seeded_ = false;
  bool trusted_ = true;  // false: a path the records cannot hold; no state
  size_t removed_ = 0;
};

}  // namespace ocimake

#endif  // OCIMAKE_STAGE_INCREMENTAL_STAGE_H_
