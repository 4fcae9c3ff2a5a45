#include "oci/oci_test_support.h"

namespace ocimake {
namespace testing {

Descriptor BlobDescriptor(const std::string& content, const char* type) {
  Descriptor d;
  d.media_type = type;
  d.digest = Digest::Of(content);
  d.size = static_cast<int64_t>(content.size());
  return d;
}

}  // namespace testing
}  // namespace ocimake
