// What the user declared for an image (add_container_image's ENTRYPOINT, CMD,
// ENV, ...), as the CMake module writes it to <image>.settings.json.
#ifndef OCIMAKE_IMAGE_IMAGE_SETTINGS_H_
#define OCIMAKE_IMAGE_IMAGE_SETTINGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

struct ImageSettings {
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> env;     // KEY=value, applied over the base's
  std::string workdir;
  std::string user;
  std::vector<std::string> expose;  // "8080" or "8080/udp"
  std::vector<std::string> volumes;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;  // manifest annotations
  std::string os;            // default: the base's, else linux
  std::string architecture;  // default: the base's, else the host's
  std::string variant;
  std::string tag;           // its name in index.json (oci/ref_name.h)
  std::string author;
  std::string stop_signal;
};

// Parses the settings file; unknown keys are an error naming the key.
ImageSettings ParseImageSettings(std::string_view text, const std::string& what);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_IMAGE_SETTINGS_H_
