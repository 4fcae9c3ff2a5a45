// An image's name in a layout's index.json, written as moby and containerd
// write it and read in every form found in the wild; the one place a name
// given by the user is matched against an index entry.
//
// Writing (SetRefName), for a name in reference form (it holds ':', '/' or
// '@': "hello:1.0", "registry.example.com/team/api:2"):
//   org.opencontainers.image.ref.name = the tag alone ("1.0"; none for a
//     reference pinned by digest only), which umoci, skopeo and registries
//     serving a layout (zot) look a tag up by;
//   io.containerd.image.name = the reference normalised as docker does
//     ("docker.io/library/hello:1.0").
// A bare tag ("latest", "test": no ':', '/' or '@') is written as ref.name
// alone. An invalid reference fails, naming it.
//
// Reading (EntryName): io.containerd.image.name and ref.name when both are
// there; an entry of the old form (ref.name = "hello:1.0") reads as the same
// name as the new form. A name asked for matches an entry (Matches):
//   in reference form: by the normalised full name ("hello:1.0" finds
//     "docker.io/library/hello:1.0" in either form);
//   a bare tag: by the tag alone ("1.0" finds ref.name "1.0", and the tag of
//     an old-form "hello:1.0").
// Entries named by a bare tag that belong to different full names are
// ambiguous: FindNamed fails naming them.
#ifndef OCIMAKE_OCI_REF_NAME_H_
#define OCIMAKE_OCI_REF_NAME_H_

#include <string>
#include <vector>

#include "oci/oci_types.h"

namespace ocimake {

inline constexpr char kImageNameAnnotation[] = "io.containerd.image.name";

struct RefName {
  std::string full;  // "docker.io/library/hello:1.0"; "" for a bare tag
  std::string tag;   // "1.0", or the bare tag; "" for a digest-only reference
  bool operator==(const RefName& o) const { return full == o.full && tag == o.tag; }
};

// What `text` names, as a user writes it; an unparsable reference is kept as
// its text (full = text), so that reading never fails on a foreign name.
RefName ParseRefName(const std::string& text);
// The name an index entry carries (both annotations empty: unnamed).
RefName EntryName(const Descriptor& d);
// Writes `text`'s annotations on `d` (both removed first; none for "").
// Fails when `text` is in reference form but not a valid reference.
void SetRefName(Descriptor* d, const std::string& text);
// The text that names `d` again: its full name, else its tag ("" unnamed).
std::string RefNameText(const Descriptor& d);
// Docker's short form of a name, for docker-archive RepoTags
// ("docker.io/library/hello:1.0" -> "hello:1.0"); other text is unchanged.
std::string FamiliarName(const std::string& text);

// True when `asked` (a user's text, not empty) names entry `d`.
bool Matches(const Descriptor& d, const std::string& asked);
// The image entries of `index` that `asked` names (all of them for ""); an
// artifact's entry (an SBOM attached to an image) is never one. Fails when
// a bare tag names entries of two different full names; `what` names the
// index in that message.
std::vector<Descriptor> FindNamed(const Index& index, const std::string& asked,
                                  const std::string& what);

}  // namespace ocimake

#endif  // OCIMAKE_OCI_REF_NAME_H_
