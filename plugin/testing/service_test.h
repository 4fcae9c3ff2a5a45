// A service test, run by pid 1 of a pod (testing/pod.h): start the sidecar
// services and the service, each waited for until its readiness probe
// passes, run the client, then stop them all with their stop signal and
// check that the service shut down cleanly. Every process of the test is
// the pod's, so nothing outlives it whatever happens here.
//
// Output: progress lines "-- <name>: ..." and, on failure, one line per
// failure "ocimake service-test: <what>" followed by the services' logs
// (their last lines; the whole logs stay in their files).
#ifndef OCIMAKE_TESTING_SERVICE_TEST_H_
#define OCIMAKE_TESTING_SERVICE_TEST_H_

#include <optional>
#include <string>
#include <vector>

#include "testing/readiness.h"

namespace ocimake {

struct PodService {
  std::string name;                     // in the pod's /etc/hosts
  std::vector<std::string> argv;        // its command line (an ocimake-sandbox one)
  std::optional<ReadinessProbe> ready;  // none: started is ready
  int stop_signal = 15;                 // SIGTERM
  std::string log_file;                 // its stdout and stderr
};

struct ServiceTestPlan {
  std::vector<PodService> sidecars;  // started first, in order; stopped last
  PodService service;
  std::vector<std::string> client;  // empty: start, wait until ready, stop
  std::string client_label;         // the client in messages; empty: its argv
  double ready_timeout = 30;        // seconds, for each service
  double stop_timeout = 10;         // seconds between the stop signal and SIGKILL
  bool expect_clean_shutdown = false;
};

// The prefix of every failure line: ctest's FAIL_REGULAR_EXPRESSION for a
// test whose PASS_REGULAR_EXPRESSION would otherwise hide the exit status.
inline constexpr char kServiceTestFailure[] = "ocimake service-test: ";

// Runs the plan (in the pod); 0 when everything passed, else the client's
// non-zero status or 1.
int RunServiceTest(const ServiceTestPlan& plan);

}  // namespace ocimake

#endif  // OCIMAKE_TESTING_SERVICE_TEST_H_
