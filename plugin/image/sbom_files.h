// What an SBOM lists of an image (image/sbom.h): the regular files of the
// image's own layers (those above its base's), read as streams, and the
// package each comes from. The completeness check: a file the closure
// brought (a shared library of the root) or RUNTIME_PACKAGES brought must
// belong to a Debian package of a root that has a dpkg database, else the
// SBOM is not written.
#ifndef OCIMAKE_IMAGE_SBOM_FILES_H_
#define OCIMAKE_IMAGE_SBOM_FILES_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "closure/dpkg_index.h"
#include "image/sbom.h"
#include "layer/layer_entries.h"
#include "oci/image.h"

namespace ocimake {

// The regular files of `image`'s layers after the first `base_layers`, as
// the image holds them (a later layer's file, whiteout or opaque directory
// wins), sorted by path; a hardlink counts as a file with its target's
// content. `package` is left empty.
// With a `cache`, a layer it holds is not read again.
class LayerFilesCache;
std::vector<SbomFile> OwnLayerFiles(const LoadedImage& image, size_t base_layers,
                                    LayerFilesCache* cache = nullptr);

// What one layer gives OwnLayerFiles, in tar order.
struct LayerFileRecord {
  char kind = 'f';  // f: a file, h: a hardlink, w: a whiteout, o: an opaque dir, x: other
  std::string path, link;
  Digest sha256;     // f
  std::string sha1;  // f
};

// The records of the layers an SBOM was last written from, by layer blob
// digest, in a file beside the SBOM: a rebuild reads only the layers that
// changed (a split application layer's edited part), not 300 MB of assets
// again. A layer is taken from the cache when its blob is in the layout
// with the descriptor's size (the blobs are the build's own, written and
// verified by the image edge); `ocimake sbom --verify` uses no cache and
// reads every layer. A damaged cache file is ignored.
class LayerFilesCache {
 public:
  explicit LayerFilesCache(std::string file);
  // The layer's records, or nullptr.
  const std::vector<LayerFileRecord>* Find(const Digest& layer);
  void Put(const Digest& layer, std::vector<LayerFileRecord> records);
  // Writes the layers found or put in this run (temp + rename).
  void Save();
  size_t hits() const { return hits_; }

 private:
  std::string file_;
  std::map<Digest, std::vector<LayerFileRecord>> old_, now_;
  size_t hits_ = 0;
};

struct SbomOrigins {
  std::string root;                      // for messages
  std::vector<LayerEntry> closure;       // the closure's entries (libs.txt)
  std::vector<LayerEntry> runtime;       // RUNTIME_PACKAGES' entries (packages.txt)
  std::vector<std::string> runtime_packages;  // RUNTIME_PACKAGES' names
};

// Sets each file's package from `index` and returns those packages, sorted
// by name. A closure file goes to the package that lists it; one no package
// lists is the project's own library when its name has ".so" (as `ocimake
// closure --own-output` decides), else an error. A RUNTIME_PACKAGES file no
// package lists (made by a maintainer script: ca-certificates.crt) goes to
// the first of RUNTIME_PACKAGES that lists its directory (as `ocimake
// packages` took it from there). Every other file is the project's.
// With an empty index (no dpkg database) every file is the project's.
std::vector<DebianPackage> AssignPackages(const DpkgIndex& index, const SbomOrigins& origins,
                                          std::vector<SbomFile>* files);

// `ocimake sbom --verify`: the image against the files its SBOM lists (path
// -> sha256, image/sbom.h SpdxFileDigests).
struct SbomVerification {
  size_t base_layers = 0;  // the layers taken as the base's, not checked
  size_t files = 0;        // regular files of the layers above, checked
  std::vector<std::string> problems;  // one line each; none: verified
};
// The base's layers are none for an image that names no base (no
// org.opencontainers.image.base.digest annotation); else those below the
// lowest layer, from the top, whose regular files the SBOM lists (a layer
// of no regular file is passed over). Every regular file above must be
// listed with its sha256, and every file listed must be there.
SbomVerification VerifySbomFiles(const LoadedImage& image,
                                 const std::map<std::string, Digest>& listed);

}  // namespace ocimake

#endif  // OCIMAKE_IMAGE_SBOM_FILES_H_
