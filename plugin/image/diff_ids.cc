#include "image/diff_ids.h"

#include "base/error.h"
#include "base/fs_util.h"
#include "base/strings.h"
#include "layer/layer_reader.h"

namespace ocimake {

namespace {

std::string RecordPath(const std::string& cache_dir, const Digest& blob) {
  return JoinPath(cache_dir, "diff_ids/sha256/" + blob.hex());
}

bool Recorded(const std::string& record, const Digest& diff_id) {
  return PathExists(record) && Trim(ReadFile(record, 1024)) == diff_id.str();
}

}  // namespace

void VerifyDiffIds(const LoadedImage& image, const OciLayout& blobs, const std::string& cache_dir) {
  const auto& layers = image.manifest.layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Digest& declared = image.config.diff_ids.at(i);
    std::string record = RecordPath(cache_dir, layers[i].digest);
    if (Recorded(record, declared)) continue;
    Digest actual = WithContext(image.name + " layer " + layers[i].digest.str(), [&] {
      return UncompressedDigest(blobs.BlobPath(layers[i].digest));
    });
    if (actual != declared)
      Fail("{} layer {} ({}): diff_id mismatch: the config declares {}, the layer's "
           "uncompressed bytes are {}",
           image.name, i + 1, layers[i].digest.str(), declared.str(), actual.str());
    MakeDirs(DirName(record));
    WriteFileAtomic(record, actual.str() + "\n");
  }
}

}  // namespace ocimake
