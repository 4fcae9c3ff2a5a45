// Helpers of the unit tests of oci/ and the folders above it.
#ifndef OCIMAKE_OCI_OCI_TEST_SUPPORT_H_
#define OCIMAKE_OCI_OCI_TEST_SUPPORT_H_

#include <string>

#include "oci/oci_types.h"

namespace ocimake {
namespace testing {

// The descriptor of a blob holding `content`, of media type `type`.
Descriptor BlobDescriptor(const std::string& content, const char* type);

}  // namespace testing
}  // namespace ocimake

#endif  // OCIMAKE_OCI_OCI_TEST_SUPPORT_H_
