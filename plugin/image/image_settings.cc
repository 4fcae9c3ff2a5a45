#include "image/image_settings.h"

#include <set>

#include "base/error.h"
#include "oci/json_fields.h"

namespace ocimake {

ImageSettings ParseImageSettings(std::string_view text, const std::string& what) {
  json j = ParseStrict(text, what);
  static const std::set<std::string> kKnown = {
      "entrypoint", "cmd", "env", "workdir", "user", "expose", "labels", "annotations",
      "os", "architecture", "variant", "tag", "author", "volumes", "stop_signal"};
  for (auto& [k, v] : j.items())
    if (!kKnown.count(k)) Fail("{}: unknown key \"{}\"", what, k);
  ImageSettings s;
  s.entrypoint = OptionalStrings(j, "entrypoint", what);
  s.cmd = OptionalStrings(j, "cmd", what);
  s.env = GetStrings(j, "env", what);
  s.workdir = GetString(j, "workdir", what, false);
  s.user = GetString(j, "user", what, false);
  s.expose = GetStrings(j, "expose", what);
  s.volumes = GetStrings(j, "volumes", what);
  s.labels = GetStringMap(j, "labels", what);
  s.annotations = GetStringMap(j, "annotations", what);
  s.os = GetString(j, "os", what, false);
  s.architecture = GetString(j, "architecture", what, false);
  s.variant = GetString(j, "variant", what, false);
  s.tag = GetString(j, "tag", what, false);
  s.author = GetString(j, "author", what, false);
  s.stop_signal = GetString(j, "stop_signal", what, false);
  return s;
}

}  // namespace ocimake
