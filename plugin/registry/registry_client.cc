#include "registry/registry_client.h"

#include <memory>
#include <utility>

#include "base/error.h"
#include "base/progress.h"
#include "oci/image_reference.h"
#include "oci/oci_json.h"
#include "registry/blob_upload.h"
#include "registry/registry_credentials.h"

namespace ocimake {

namespace {

constexpr char kManifestAccept[] =
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

std::string MediaTypeOf(const std::string& content_type) {
  std::string mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && mt.back() == ' ') mt.pop_back();
  return mt;
}

std::string Short(const Digest& d) { return d.str().substr(0, 19); }

std::string PullScope(const std::string& repo) { return "repository:" + repo + ":pull"; }
std::string PushScope(const std::string& repo) { return "repository:" + repo + ":pull,push"; }

void CheckRepo(const std::string& repo) {
  if (!IsValidRepository(repo)) Fail("invalid repository name '{}'", repo.substr(0, 300));
}

void CheckReference(const std::string& reference) {
  if (!IsValidTag(reference) && !Digest::IsValid(reference))
    Fail("invalid tag or digest '{}'", reference.substr(0, 300));
}

RegistryOptions WithDefaultCredentials(RegistryOptions options) {
  if (!options.credentials) options.credentials = LookupCredentials;
  return options;
}

// One blob's download into a layout: the bytes so far, resumed with Range
// after a dropped transfer, never more than the descriptor's size.
class BlobDownload {
 public:
  BlobDownload(const std::string& registry, const Descriptor& d, const OciLayout& into)
      : registry_(registry), d_(d), into_(into), writer_(into.NewBlobWriter()),
        progress_("pulling " + Short(d.digest)) {}

  // The next GET, from the first byte not yet received.
  HttpRequest Request(const std::string& repo) {
    HttpRequest request;
    request.url = "/v2/" + repo + "/blobs/" + d_.digest.str();
    if (have_ > 0) request.headers.emplace_back("Range", "bytes=" + std::to_string(have_) + "-");
    request.on_response = [this](const HttpResponse& head) { OnResponse(head); };
    request.sink = [this](const char* data, size_t size) { Write(data, size); };
    return request;
  }
  bool complete() const { return have_ == d_.size; }
  // Verifies the size and digest and stores the blob.
  void Commit() { writer_->Commit(d_.media_type, &d_); }

 private:
  void OnResponse(const HttpResponse& head) {
    if (head.status == 206) {
      std::string range = head.Header("content-range");
      if (range.rfind("bytes " + std::to_string(have_) + "-", 0) != 0)
        Fail("registry {}: blob {}: asked for bytes from {}, got Content-Range '{}'", registry_,
             d_.digest.str(), have_, range.substr(0, 100));
    } else if (IsSuccess(head.status) && have_ > 0) {
      writer_ = into_.NewBlobWriter();  // the whole blob again: start over
      have_ = 0;
    }
  }

  void Write(const char* data, size_t size) {
    if (have_ + static_cast<int64_t>(size) > d_.size)
      Fail("blob {}: size mismatch: the registry sent more than the {} bytes of the "
           "descriptor", d_.digest.str(), d_.size);
    writer_->Write(data, size);
    have_ += static_cast<int64_t>(size);
    progress_.Update(static_cast<uint64_t>(have_));
  }

  const std::string& registry_;
  const Descriptor& d_;
  const OciLayout& into_;
  std::unique_ptr<BlobWriter> writer_;
  Progress progress_;
  int64_t have_ = 0;
};

}  // namespace

RegistryClient::RegistryClient(std::string registry, RegistryOptions options)
    : registry_(std::move(registry)),
      options_(WithDefaultCredentials(std::move(options))),
      transport_(registry_, options_),
      auth_(transport_, options_) {
  if (!IsValidRegistryHost(registry_)) Fail("invalid registry host '{}'", registry_);
}

std::unique_ptr<RegistryClient> RegistryClient::Fork() {
  Ping();
  auto other = std::make_unique<RegistryClient>(registry_, options_);
  other->transport_.UseBaseUrl(transport_.base_url());
  other->auth_.ShareWith(auth_);
  return other;
}

WorkerClients::WorkerClients(RegistryClient& main, int workers) : main_(main) {
  for (int w = 1; w < workers; ++w) forks_.push_back(main.Fork());
}

void RegistryClient::Ping() {
  if (transport_.probed()) return;
  HttpResponse r = transport_.Probe();
  if (r.status != 401) {
    auth_.SetAnonymous();
  } else if (!auth_.LearnChallenge(r)) {
    Fail("registry {}: 401 without a Basic or Bearer challenge", registry_);
  }
}

void RegistryClient::FailStatus(const HttpResponse& response, const std::string& what) {
  if (response.status == 401) auth_.FailUnauthorized(response);
  Fail("registry {}: {}: {}", registry_, what, StatusText(response));
}

HttpResponse RegistryClient::Exchange(const HttpRequest& request, const std::string& scope) {
  Ping();
  for (int round = 0;; ++round) {
    HttpRequest r = request;
    r.url = transport_.Url(r.url);
    bool sent_basic = auth_.Authorize(&r, scope, round > 0);
    HttpResponse response = transport_.Follow(std::move(r));
    if (response.status != 401) return response;
    auth_.CheckUnauthorized(response, round, sent_basic);
  }
}

HttpResponse RegistryClient::Send(const HttpRequest& request, const std::string& scope) {
  return WithRetries(options_.retry, registry_, [&](int) {
    HttpResponse r = Exchange(request, scope);
    ThrowIfRetryable(r);
    return r;
  });
}

std::optional<Descriptor> RegistryClient::HeadManifest(const std::string& repo,
                                                       const std::string& reference) {
  CheckRepo(repo);
  CheckReference(reference);
  HttpRequest request = MakeRequest("HEAD", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", kManifestAccept);
  HttpResponse r = Send(request, PullScope(repo));
  if (r.status == 404) return std::nullopt;
  if (!IsSuccess(r.status)) FailStatus(r, "HEAD manifest " + repo + ":" + reference);
  Descriptor d;
  d.media_type = MediaTypeOf(r.Header("content-type"));
  std::string digest = r.Header("docker-content-digest");
  if (Digest::IsValid(digest)) d.digest = Digest::Parse(digest);
  std::string length = r.Header("content-length");
  if (!length.empty() && length.find_first_not_of("0123456789") == std::string::npos &&
      length.size() < 12)
    d.size = std::stoll(length);
  return d;
}

ManifestBytes RegistryClient::GetManifest(const std::string& repo, const std::string& reference) {
  std::optional<ManifestBytes> m = FindManifest(repo, reference);
  if (!m)
    Fail("registry {}: manifest {}{}{}: not found", registry_, repo,
         Digest::IsValid(reference) ? "@" : ":", reference);
  return *m;
}

std::optional<ManifestBytes> RegistryClient::FindManifest(const std::string& repo,
                                                          const std::string& reference) {
  CheckRepo(repo);
  CheckReference(reference);
  std::string what = "manifest " + repo + (Digest::IsValid(reference) ? "@" : ":") + reference;
  HttpRequest request = MakeRequest("GET", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", kManifestAccept);
  request.max_body = kMaxJsonBytes + 1;
  HttpResponse r = Send(request, PullScope(repo));
  if (r.status == 404) return std::nullopt;
  if (!IsSuccess(r.status)) FailStatus(r, "GET " + what);
  if (r.body.size() > kMaxJsonBytes)
    Fail("registry {}: {}: larger than the limit of {} bytes", registry_, what, kMaxJsonBytes);
  ManifestBytes m;
  m.body = r.body;
  m.descriptor.digest = Digest::Of(m.body);
  m.descriptor.size = static_cast<int64_t>(m.body.size());
  for (const std::string& expected : {reference, r.Header("docker-content-digest")})
    if (Digest::IsValid(expected) && expected != m.descriptor.digest.str())
      Fail("registry {}: {}: digest mismatch: expected {} got {}", registry_, what, expected,
           m.descriptor.digest.str());
  std::string sniffed = SniffMediaType(m.body, "registry " + registry_ + ": " + what);
  m.descriptor.media_type = sniffed.empty() ? MediaTypeOf(r.Header("content-type")) : sniffed;
  return m;
}

std::string RegistryClient::PutManifest(const std::string& repo, const std::string& reference,
                                        const Descriptor& descriptor, const std::string& body) {
  CheckRepo(repo);
  CheckReference(reference);
  HttpRequest request = MakeRequest("PUT", "/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Content-Type", descriptor.media_type);
  request.has_body = true;
  request.body = body;
  HttpResponse r = Send(request, PushScope(repo));
  if (!IsSuccess(r.status)) FailStatus(r, "PUT manifest " + repo + ":" + reference);
  std::string claimed = r.Header("docker-content-digest");
  if (Digest::IsValid(claimed) && claimed != descriptor.digest.str())
    Fail("registry {}: PUT manifest {}:{}: the registry stored digest {}, expected {}",
         registry_, repo, reference, claimed, descriptor.digest.str());
  return r.Header("oci-subject");
}

std::optional<Index> RegistryClient::GetReferrers(const std::string& repo, const Digest& subject,
                                                  const std::string& artifact_type) {
  CheckRepo(repo);
  std::string url = "/v2/" + repo + "/referrers/" + subject.str();
  if (!artifact_type.empty()) url = AddQuery(url, "artifactType", artifact_type);
  HttpRequest request = MakeRequest("GET", url);
  request.headers.emplace_back("Accept", media_type::kOciIndex);
  request.max_body = kMaxJsonBytes + 1;
  std::string what = "referrers of " + repo + "@" + subject.str();
  HttpResponse r = Send(request, PullScope(repo));
  if (r.status == 404) return std::nullopt;
  if (!IsSuccess(r.status)) FailStatus(r, "GET " + what);
  if (r.body.size() > kMaxJsonBytes)
    Fail("registry {}: {}: larger than the limit of {} bytes", registry_, what, kMaxJsonBytes);
  return ParseIndex(r.body, "registry " + registry_ + ": " + what);
}

bool RegistryClient::HasBlob(const std::string& repo, const Digest& digest) {
  CheckRepo(repo);
  HttpResponse r =
      Send(MakeRequest("HEAD", "/v2/" + repo + "/blobs/" + digest.str()), PullScope(repo));
  if (r.status == 404) return false;
  if (!IsSuccess(r.status)) FailStatus(r, "HEAD blob " + digest.str());
  return true;
}

void RegistryClient::PullBlob(const std::string& repo, const Descriptor& d,
                              const OciLayout& into) {
  CheckRepo(repo);
  BlobDownload download(registry_, d, into);
  WithRetries(options_.retry, registry_, [&](int) {
    try {
      HttpResponse r = Exchange(download.Request(repo), PullScope(repo));
      if (IsSuccess(r.status)) return;
      ThrowIfRetryable(r, "GET blob " + Short(d.digest) + ": ");
      if (r.status == 404)
        Fail("registry {}: blob {} not found in {}", registry_, d.digest.str(), repo);
      FailStatus(r, "GET blob " + d.digest.str());
    } catch (const HttpError& e) {
      // Every byte arrived before the connection dropped: Commit() verifies them.
      if (!e.transient() || !download.complete()) throw;
    }
  });
  download.Commit();
}

RegistryClient::Pushed RegistryClient::TryMount(const std::string& repo, const Descriptor& d,
                                                const std::vector<std::string>& mount_from,
                                                std::string* location) {
  for (const auto& other : mount_from) {
    if (other == repo || !IsValidRepository(other)) continue;
    std::string url = AddQuery(AddQuery("/v2/" + repo + "/blobs/uploads/", "mount",
                                        d.digest.str()), "from", other);
    HttpRequest request = MakeRequest("POST", url);
    request.has_body = true;
    HttpResponse r = Send(request, PushScope(repo) + " " + PullScope(other));
    if (r.status == 201) return Pushed::kMounted;
    if (r.status == 202 && !r.Header("location").empty()) {
      // Not mounted, but an upload session was opened: use it.
      *location = ResolveUrl(transport_.Url(url), r.Header("location"));
      break;
    }
  }
  return Pushed::kUploaded;
}

RegistryClient::Pushed RegistryClient::PushBlob(const std::string& repo, const Descriptor& d,
                                                const OciLayout& from,
                                                const std::vector<std::string>& mount_from) {
  CheckRepo(repo);
  const std::string scope = PushScope(repo);
  HttpResponse head =
      Send(MakeRequest("HEAD", "/v2/" + repo + "/blobs/" + d.digest.str()), scope);
  if (IsSuccess(head.status)) return Pushed::kExisted;
  if (head.status != 404) FailStatus(head, "HEAD blob " + d.digest.str());
  std::string location;
  if (TryMount(repo, d, mount_from, &location) == Pushed::kMounted) return Pushed::kMounted;
  UploadChannel channel{registry_, repo, transport_.base_url(),
                        [&](const HttpRequest& r) { return Exchange(r, scope); },
                        [&](const HttpResponse& r, const std::string& what) { FailStatus(r, what); }};
  UploadBlob(channel, options_, d, from, location);
  return Pushed::kUploaded;
}

void RegistryClient::CheckLogin() {
  Ping();
  if (auth_.scheme() == Authorizer::Scheme::kBearer) {
    std::chrono::seconds lifetime{};
    auth_.FetchToken("", &lifetime);
  } else if (auth_.scheme() == Authorizer::Scheme::kBasic) {
    HttpResponse r = Exchange(MakeRequest("GET", "/v2/"), "");
    if (!IsSuccess(r.status)) FailStatus(r, "GET /v2/");
  }
}

}  // namespace ocimake
