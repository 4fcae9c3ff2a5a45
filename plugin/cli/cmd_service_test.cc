#include <unistd.h>

#include <cstdlib>

#include "base/cache_dir.h"
#include "base/error.h"
#include "base/fs_util.h"
#include "cli/cli.h"
#include "oci/platform.h"
#include "rootfs/image_run.h"
#include "source/image_source.h"
#include "testing/pod.h"
#include "testing/pod_processes.h"
#include "testing/service_test.h"

namespace ocimake {

namespace {

constexpr char kServiceTestHelp[] =
    "Tests an image as a service: starts it (its entrypoint and cmd, --arg\n"
    "appended) in ocimake-sandbox, waits until --ready passes, runs the client\n"
    "command given after --, then stops it with its StopSignal (default\n"
    "SIGTERM; SIGKILL after --stop-timeout). Everything runs in a pod of its\n"
    "own: one network namespace with only loopback, shared by the service, the\n"
    "sidecars, the probes and the client (so localhost:PORT is the service and\n"
    "nothing else is reachable), an /etc/hosts naming each service, and a pid\n"
    "namespace that dies with this process: nothing outlives the test, even\n"
    "when ctest is killed.\n\n"
    "--ready: tcp:[HOST:]PORT (a connection is accepted), http://HOST[:PORT]/PATH\n"
    "(a GET answers 2xx) or log:REGEX (the output matches), polled with backoff\n"
    "for --ready-timeout seconds; a service that exits first fails at once.\n"
    "The client is a host program (with the host's files) or, with\n"
    "--client-image, a command in that image. The exit status is the client's\n"
    "when it failed, else 1 for any failure (each printed as one line starting\n"
    "'ocimake service-test: '), else 0. Each service's output is kept in\n"
    "--log-dir/<name>.log and printed when the test fails.\n\n"
    "  ocimake service-test build/api-image:latest --name api --ready tcp:8080 \\\n"
    "      --expect-clean-shutdown -- curl -fsS http://api:8080/v1/ping\n"
    "  ocimake service-test build/api-image --sidecar backend=build/backend-image \\\n"
    "      --sidecar-ready backend=http://backend:8081/health --ready log:listening\n"
    "  ocimake service-test build/api-image --ready tcp:8080 \\\n"
    "      --client-image build/tools-image -- wget -qO- http://localhost:8080/";

struct ServiceTestOptions {
  std::string image, name = "service", ready, stop_signal, client_image, platform;
  std::string log_dir = "service-test-logs", cache = DefaultCacheDir(), sandbox;
  std::vector<std::string> sidecars, sidecar_ready, client;
  RunRequest request;
  ServiceTestPlan plan;
};

void AddServiceTestOptions(CLI::App& app, ServiceTestOptions* o) {
  app.add_option("image", o->image, "the service: OCI layout dir[:tag], archive or reference")
      ->required();
  app.add_option("--name", o->name, "the service's host name in the pod (default: service)");
  app.add_option("--arg", o->request.args, "appended to the entrypoint and cmd (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--env,-e", o->request.env, "KEY=value for the service (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--bind", o->request.binds, "SRC:DST[:ro] into the service (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--ready", o->ready, "tcp:[HOST:]PORT, http://HOST[:PORT]/PATH or log:REGEX");
  app.add_option("--ready-timeout", o->plan.ready_timeout, "seconds (default 30)");
  app.add_option("--stop-signal", o->stop_signal, "over the image's StopSignal (default SIGTERM)");
  app.add_option("--stop-timeout", o->plan.stop_timeout, "seconds before SIGKILL (default 10)");
  app.add_flag("--expect-clean-shutdown", o->plan.expect_clean_shutdown,
               "fail unless the stop signal makes the service exit 0 within --stop-timeout");
  app.add_option("--sidecar", o->sidecars, "NAME=IMAGE: a service started first (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--sidecar-ready", o->sidecar_ready, "NAME=PROBE: waited for before the next")
      ->allow_extra_args(false);
  app.add_option("--client-image", o->client_image, "run the client command in this image");
  app.add_option("--log-dir", o->log_dir, "where <name>.log files go (default service-test-logs)");
  app.add_option("--platform", o->platform, "OS/ARCH[/VARIANT] of the images (default: the host's)");
  app.add_option("--cache", o->cache, "cache directory (default: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake)");
  app.add_option("--sandbox", o->sandbox, "the ocimake-sandbox executable (default: beside ocimake)");
  app.add_option("client", o->client, "the client command (after --)");
}

// "NAME=VALUE" split at the first '='; fails naming the option.
std::pair<std::string, std::string> NameValue(const std::string& option, const std::string& text) {
  size_t eq = text.find('=');
  if (eq == 0 || eq == std::string::npos || eq + 1 == text.size())
    Fail("{} {}: expected NAME=VALUE", option, text);
  return {text.substr(0, eq), text.substr(eq + 1)};
}

// A service of the pod: `location` run in the sandbox with the pod's hosts
// file, its output in the log directory.
PodService ImageService(const ServiceTestOptions& o, const std::string& name,
                        const std::string& location, RunRequest request) {
  request.share_net = true;
  request.binds.push_back(JoinPath(o.log_dir, "hosts") + ":/etc/hosts:ro");
  std::string sandbox = o.sandbox.empty() ? FindSandbox() : o.sandbox;
  PodService s;
  s.name = name;
  s.argv = WithContext(name + " (" + location + ")", [&] {
    return ImageSandboxCommand(ParseSourceSpec(location), PlatformChoice{o.platform}, o.cache,
                               sandbox, &request);
  });
  std::string signal = request.config.stop_signal.empty() ? "SIGTERM" : request.config.stop_signal;
  s.stop_signal = ParseSignal(signal);
  s.log_file = JoinPath(o.log_dir, name + ".log");
  return s;
}

std::vector<std::string> ServiceNames(const ServiceTestOptions& o) {
  std::vector<std::string> names = {o.name};
  for (const auto& text : o.sidecars) names.push_back(NameValue("--sidecar", text).first);
  return names;
}

void AddSidecars(const ServiceTestOptions& o, ServiceTestPlan* plan) {
  for (const auto& text : o.sidecars) {
    auto [name, location] = NameValue("--sidecar", text);
    plan->sidecars.push_back(ImageService(o, name, location, RunRequest{}));
  }
  for (const auto& text : o.sidecar_ready) {
    auto [name, probe] = NameValue("--sidecar-ready", text);
    auto it = std::find_if(plan->sidecars.begin(), plan->sidecars.end(),
                           [&](const PodService& s) { return s.name == name; });
    if (it == plan->sidecars.end()) Fail("--sidecar-ready {}: no --sidecar named {}", text, name);
    it->ready = ParseReadinessProbe(probe);
  }
}

// Everything the pod runs, decided (and every image unpacked) before it
// starts, so that a bad argument fails here in one line.
ServiceTestPlan MakePlan(ServiceTestOptions& o) {
  ServiceTestPlan plan = o.plan;
  MakeDirs(o.log_dir);
  o.log_dir = AbsolutePath(o.log_dir);
  WriteFileAtomic(JoinPath(o.log_dir, "hosts"), PodHostsFile(ServiceNames(o)));
  AddSidecars(o, &plan);
  plan.service = ImageService(o, o.name, o.image, o.request);
  if (!o.ready.empty()) plan.service.ready = ParseReadinessProbe(o.ready);
  if (!o.stop_signal.empty()) plan.service.stop_signal = ParseSignal(o.stop_signal);
  plan.client = o.client;
  if (!o.client_image.empty()) {
    RunRequest client;
    client.command = o.client;
    plan.client = ImageService(o, "client", o.client_image, client).argv;
    plan.client_label = fmt::format("(in {}): {}", o.client_image,
                                    o.client.empty() ? "its entrypoint" : fmt::format("{}", fmt::join(o.client, " ")));
  }
  if (plan.ready_timeout <= 0 || plan.stop_timeout <= 0)
    Fail("--ready-timeout and --stop-timeout: expected a number of seconds above 0");
  return plan;
}

}  // namespace

int RunServiceTestCommand(const Args& args) {
  CLI::App app{kServiceTestHelp, "service-test"};
  ServiceTestOptions o;
  AddServiceTestOptions(app, &o);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  if (!o.platform.empty()) ParsePlatform(o.platform);
  ServiceTestPlan plan = MakePlan(o);
  return RunInPod(JoinPath(o.log_dir, "hosts"), [&] { return RunServiceTest(plan); });
}

}  // namespace ocimake
