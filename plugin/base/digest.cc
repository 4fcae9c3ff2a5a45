#include "base/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/error.h"
#include "base/strings.h"

namespace ocimake {

namespace {
constexpr std::string_view kPrefix = "sha256:";
constexpr size_t kHexLength = 64;

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
}  // namespace

bool Digest::IsValid(std::string_view text) {
  return text.size() == kPrefix.size() + kHexLength &&
         text.substr(0, kPrefix.size()) == kPrefix &&
         IsLowerHex(text.substr(kPrefix.size()));
}

Digest Digest::Parse(std::string_view text) {
  if (!IsValid(text))
    Fail("invalid digest '{}': expected sha256: and 64 lowercase hex digits",
         text.substr(0, 100));
  return FromHex(std::string(text.substr(kPrefix.size())));
}

Digest Digest::FromHex(std::string hex) {
  if (hex.size() != kHexLength || !IsLowerHex(hex))
    Fail("invalid sha256 hex '{}'", hex.substr(0, 100));
  Digest d;
  d.hex_ = std::move(hex);
  return d;
}

Digest Digest::Of(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.Finish();
}

Digest Digest::OfFile(const std::string& path, std::string* head) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FailErrno("opening " + path);
  Sha256 h;
  if (head) head->clear();
  // One buffer a thread: zero-filling 1 MiB for each of 100,000 small
  // files would cost more than hashing them.
  thread_local std::string buf(1 << 20, '\0');
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      FailErrno("reading " + path);
    }
    if (head && head->size() < kFileHeadBytes)
      head->append(buf.data(), std::min(kFileHeadBytes - head->size(), static_cast<size_t>(n)));
    h.Update(buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  return h.Finish();
}

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

namespace {

// A context for `md`, initialised; fails naming the digest.
EVP_MD_CTX* NewDigestContext(const EVP_MD* md, const char* name) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    Fail("{}: cannot initialise OpenSSL digest", name);
  }
  return ctx;
}

}  // namespace

Sha256::Sha256() : impl_(new Impl) { impl_->ctx = NewDigestContext(EVP_sha256(), "sha256"); }

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(const void* data, size_t size) {
  if (size == 0) return;
  EVP_DigestUpdate(impl_->ctx, data, size);
  bytes_ += size;
}

namespace {

// The hex of the digest `ctx` finishes.
std::string FinalHex(EVP_MD_CTX* ctx) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

}  // namespace

Digest Sha256::Finish() { return Digest::FromHex(FinalHex(impl_->ctx)); }

struct Sha1::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha1::Sha1() : impl_(new Impl) { impl_->ctx = NewDigestContext(EVP_sha1(), "sha1"); }

Sha1::~Sha1() { EVP_MD_CTX_free(impl_->ctx); }

void Sha1::Update(const void* data, size_t size) {
  if (size > 0) EVP_DigestUpdate(impl_->ctx, data, size);
}

std::string Sha1::FinishHex() { return FinalHex(impl_->ctx); }

}  // namespace ocimake
