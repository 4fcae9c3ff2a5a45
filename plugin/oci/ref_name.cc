#include "oci/ref_name.h"

#include <set>

#include "base/error.h"
#include "base/strings.h"
#include "oci/image_reference.h"

namespace ocimake {

namespace {

bool IsBareTag(const std::string& text) { return text.find_first_of(":/@") == std::string::npos; }

std::string Annotation(const Descriptor& d, const char* key) {
  auto it = d.annotations.find(key);
  return it == d.annotations.end() ? "" : it->second;
}

// How a name is shown in a message: its full name, else its tag.
std::string Shown(const RefName& n) { return n.full.empty() ? n.tag : n.full; }

}  // namespace

RefName ParseRefName(const std::string& text) {
  if (text.empty()) return {};
  if (IsBareTag(text)) return {"", text};
  try {
    ImageReference ref = ParseImageReference(text);
    return {ref.str(), ref.tag};
  } catch (const Error&) {
    return {text, ""};
  }
}

RefName EntryName(const Descriptor& d) {
  std::string image_name = Annotation(d, kImageNameAnnotation);
  std::string ref_name = Annotation(d, kRefNameAnnotation);
  if (image_name.empty()) return ParseRefName(ref_name);
  RefName n = ParseRefName(image_name);
  if (n.full.empty()) n.full = image_name;
  if (!ref_name.empty()) n.tag = ref_name;
  return n;
}

void SetRefName(Descriptor* d, const std::string& text) {
  d->annotations.erase(kRefNameAnnotation);
  d->annotations.erase(kImageNameAnnotation);
  if (text.empty()) return;
  if (IsBareTag(text)) {
    d->annotations[kRefNameAnnotation] = text;
    return;
  }
  ImageReference ref = ParseImageReference(text);
  d->annotations[kImageNameAnnotation] = ref.str();
  if (!ref.tag.empty()) d->annotations[kRefNameAnnotation] = ref.tag;
}

std::string RefNameText(const Descriptor& d) { return Shown(EntryName(d)); }

std::string FamiliarName(const std::string& text) {
  const std::string hub = std::string(kDockerHub) + "/", library = hub + "library/";
  if (StartsWith(text, library) && text.find('/', library.size()) == std::string::npos)
    return text.substr(library.size());
  return StartsWith(text, hub) ? text.substr(hub.size()) : text;
}

bool Matches(const Descriptor& d, const std::string& asked) {
  RefName want = ParseRefName(asked);
  RefName have = EntryName(d);
  if (want.full.empty()) return !want.tag.empty() && have.tag == want.tag;
  return have.full == want.full;
}

std::vector<Descriptor> FindNamed(const Index& index, const std::string& asked,
                                  const std::string& what) {
  std::vector<Descriptor> found;
  std::set<std::string> names;
  for (const auto& m : index.manifests) {
    if (!m.artifact_type.empty()) continue;  // an SBOM or such, not an image
    if (!asked.empty() && !Matches(m, asked)) continue;
    found.push_back(m);
    names.insert(Shown(EntryName(m)));
  }
  if (!asked.empty() && names.size() > 1) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    Fail("{}: tag '{}' names {} images ({}); name one in full, as NAME:TAG", what, asked,
         names.size(), list);
  }
  return found;
}

}  // namespace ocimake
