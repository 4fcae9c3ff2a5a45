// When a service is ready: the three wait strategies Testcontainers has,
// written as text so that a CMake argument carries one.
//
//   tcp:8080 / tcp:api:8080        a TCP connection is accepted
//   http://localhost:8080/health   a GET answers with a 2xx status
//   log:<regex>                    the service's output matches (ECMAScript)
//
// Host names resolve through the pod's /etc/hosts (testing/pod.h). https is
// not probed: a service test runs on loopback, where TLS proves nothing.
#ifndef OCIMAKE_TESTING_READINESS_H_
#define OCIMAKE_TESTING_READINESS_H_

#include <string>

namespace ocimake {

struct ReadinessProbe {
  enum class Kind { kTcp, kHttp, kLog };
  Kind kind = Kind::kTcp;
  std::string host = "localhost";
  std::string port;
  std::string path = "/";  // kHttp
  std::string pattern;     // kLog
  std::string text;        // as written, for messages
};

// Parses one of the forms above; fails naming the text and the forms.
ReadinessProbe ParseReadinessProbe(const std::string& text);

// One attempt, with a timeout of about a second. True when ready; else
// `why` says what was seen ("Connection refused", "HTTP 503", "no match").
// `log_file` is the service's output so far (kLog).
bool ProbeReady(const ReadinessProbe& probe, const std::string& log_file, std::string* why);

}  // namespace ocimake

#endif  // OCIMAKE_TESTING_READINESS_H_
