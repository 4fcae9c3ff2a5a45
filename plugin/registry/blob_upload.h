// Sending one blob to a repository (the distribution spec's upload session):
//  - a blob under RegistryOptions::chunk_threshold is read and verified
//    once, then sent whole: POST (a session), PUT ?digest=;
//  - a larger one goes in PATCHes of chunk_size, read from the file and
//    hashed as it is read (verified before the closing PUT);
//  - after a failure (a transient HttpError or a RetryableStatus, retried by
//    WithRetries) the blob is HEADed first, since the registry may have
//    stored it before its answer was lost; a chunked upload then asks the
//    session where it stands (GET Location, Range) and resumes there; a 416
//    or a lost session starts a fresh one.
#ifndef OCIMAKE_REGISTRY_BLOB_UPLOAD_H_
#define OCIMAKE_REGISTRY_BLOB_UPLOAD_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "oci/oci_layout.h"
#include "oci/oci_types.h"
#include "registry/http_client.h"
#include "registry/registry_options.h"

namespace ocimake {

// What an upload needs of the registry client.
struct UploadChannel {
  std::string registry;  // for messages: "127.0.0.1:5000"
  std::string repo;      // the repository the blob goes to
  std::string base_url;  // "https://host[:port]": resolves a new session's Location
  // One attempt at a request (a path "/v2/..." or a URL), with credentials
  // for pushing to `repo` and redirects followed; no retry.
  std::function<HttpResponse(const HttpRequest&)> exchange;
  // Fails with the one-line message for an unexpected answer to `what`.
  std::function<void(const HttpResponse& response, const std::string& what)> fail;
};

// Uploads blob `d` of `from`, as above. `location`: an upload session the
// registry already opened (a mount it declined), or empty.
void UploadBlob(const UploadChannel& channel, const RegistryOptions& options,
                const Descriptor& d, const OciLayout& from, const std::string& location);

// "0-1234" or "bytes=0-1234" (a Range header) -> 1235, the bytes the
// registry holds; nullopt when unparseable.
std::optional<uint64_t> RangeEnd(const std::string& range);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_BLOB_UPLOAD_H_
