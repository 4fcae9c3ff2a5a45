// Content digests ("sha256:<64 lowercase hex>") and a streaming SHA-256.
// A digest string is validated before it is ever used as a path or URL part.
#ifndef OCIMAKE_BASE_DIGEST_H_
#define OCIMAKE_BASE_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ocimake {

// A file's first bytes, as many as a format's magic number takes (ELF's
// is 4).
constexpr size_t kFileHeadBytes = 4;

class Digest {
 public:
  Digest() = default;
  // Accepts only "sha256:" followed by 64 lowercase hex digits.
  static Digest Parse(std::string_view text);
  static bool IsValid(std::string_view text);
  static Digest FromHex(std::string hex);  // hex must be 64 lowercase digits
  static Digest Of(std::string_view bytes);
  // sha256 of a file's bytes, streamed (never the whole file in memory).
  // With `head`, also its first kFileHeadBytes bytes (fewer in a shorter
  // file).
  static Digest OfFile(const std::string& path, std::string* head = nullptr);

  const std::string& hex() const { return hex_; }
  std::string str() const { return "sha256:" + hex_; }
  bool empty() const { return hex_.empty(); }
  bool operator==(const Digest& o) const { return hex_ == o.hex_; }
  bool operator!=(const Digest& o) const { return hex_ != o.hex_; }
  bool operator<(const Digest& o) const { return hex_ < o.hex_; }

 private:
  std::string hex_;
};

// Incremental SHA-256 (OpenSSL EVP underneath).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  Digest Finish();
  uint64_t bytes() const { return bytes_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t bytes_ = 0;
};

// Incremental SHA-1, for formats that still ask for it (SPDX 2.3 file
// checksums); never for content addressing.
class Sha1 {
 public:
  Sha1();
  ~Sha1();
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;
  void Update(const void* data, size_t size);
  std::string FinishHex();  // 40 lowercase hex digits

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocimake

#endif  // OCIMAKE_BASE_DIGEST_H_
