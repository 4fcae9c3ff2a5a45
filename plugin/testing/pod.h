// A pod: the namespaces a service test runs in, like a Kubernetes pod's
// shared network. The services (each in an ocimake-sandbox with
// --share-net), the readiness probes and the client all run in one network
// namespace with only loopback, so "localhost:8080" reaches the service and
// nothing reaches the host's network; a private /etc/hosts names every
// service as 127.0.0.1. Nothing survives the pod: its first process is pid 1
// of a pid namespace of its own, so when it ends the kernel kills every
// process left in it, and it dies with the process that started it.
#ifndef OCIMAKE_TESTING_POD_H_
#define OCIMAKE_TESTING_POD_H_

#include <functional>
#include <string>
#include <vector>

namespace ocimake {

// The /etc/hosts of a pod: localhost and each of `names` on 127.0.0.1 and
// ::1. Fails on a name that is not a valid host name.
std::string PodHostsFile(const std::vector<std::string>& names);

// Runs `body` as pid 1 of a new pid namespace, in new network (loopback up)
// and mount namespaces with `hosts_file` bound over /etc/hosts, and in a
// user namespace mapping only the caller's ids when the caller is not root.
// The calling process waits for it: SIGINT, SIGTERM or SIGHUP to the caller
// kill the pod at once (SIGKILL), and both die with the caller's parent
// (PR_SET_PDEATHSIG), so a killed ctest leaves nothing behind. Returns
// body's return value as the exit status, 128 + N when the pod was killed
// by signal N.
int RunInPod(const std::string& hosts_file, const std::function<int()>& body);

}  // namespace ocimake

#endif  // OCIMAKE_TESTING_POD_H_
