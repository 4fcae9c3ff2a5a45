// greeting-api: a small HTTP service on cpp-httplib.
//   greeting-api [--port N] [--role NAME] [--upstream http://HOST:PORT]
//   GET /health       "ok"
//   GET /v1/ping      "pong from <role>"
//   GET /v1/upstream  "upstream says: <body of <upstream>/v1/ping>"
//                     (502 when the upstream fails, 404 without --upstream)
// SIGTERM or SIGINT stops it cleanly: exit status 0.
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <httplib.h>

namespace {

struct Options {
  int port = 8080;
  std::string role = "api";
  std::string upstream;  // empty: none
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr, "greeting-api: %s\nusage: greeting-api [--port N] [--role NAME] "
                       "[--upstream http://HOST:PORT]\n", why);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage(("no value after " + flag).c_str());
    std::string value = argv[i + 1];
    if (flag == "--port") {
      options.port = std::atoi(value.c_str());
      if (options.port < 1 || options.port > 65535) Usage("--port: expected 1-65535");
    } else if (flag == "--role") {
      options.role = value;
    } else if (flag == "--upstream") {
      options.upstream = value;
    } else {
      Usage(("unknown option " + flag).c_str());
    }
  }
  return options;
}

// GET /v1/upstream: the upstream's /v1/ping, passed on.
void AskUpstream(const std::string& upstream, httplib::Response& res) {
  if (upstream.empty()) {
    res.status = 404;
    res.set_content("no upstream configured (--upstream)\n", "text/plain");
    return;
  }
  httplib::Client client(upstream);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  httplib::Result answer = client.Get("/v1/ping");
  if (!answer || answer->status != 200) {
    res.status = 502;
    std::string why = answer ? "HTTP " + std::to_string(answer->status)
                             : "httplib error " + httplib::to_string(answer.error());
    res.set_content("upstream " + upstream + " failed: " + why + "\n", "text/plain");
    return;
  }
  res.set_content("upstream says: " + answer->body, "text/plain");
}

void Route(httplib::Server& server, const Options& options) {
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server.Get("/v1/ping", [role = options.role](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong from " + role + "\n", "text/plain");
  });
  server.Get("/v1/upstream", [upstream = options.upstream](const httplib::Request&,
                                                          httplib::Response& res) {
    AskUpstream(upstream, res);
  });
}

// SIGTERM and SIGINT, blocked in this thread and so in every thread it
// starts (the server's pool too): only StopOnSignal's sigwait() takes them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::atomic<bool> listen_returned{false};

// Waits for a stop signal, then stops the server. stop() does nothing
// until listen_after_bind() has started, so it is repeated until the
// listen loop has returned.
void StopOnSignal(httplib::Server& server, sigset_t signals) {
  int signal = 0;
  sigwait(&signals, &signal);
  if (!listen_returned) std::printf("greeting-api: SIG%s, stopping\n", sigabbrev_np(signal));
  std::fflush(stdout);
  while (!listen_returned) {
    server.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseOptions(argc, argv);
  sigset_t signals = BlockStopSignals();
  httplib::Server server;
  Route(server, options);
  if (!server.bind_to_port("0.0.0.0", options.port)) {
    std::fprintf(stderr, "greeting-api: cannot listen on port %d: %s\n", options.port, strerror(errno));
    return 1;
  }
  std::printf("listening on %d\n", options.port);
  std::fflush(stdout);
  std::thread stopper(StopOnSignal, std::ref(server), signals);
  bool served = server.listen_after_bind();
  listen_returned = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // no-op if it already took one
  stopper.join();
  std::printf("greeting-api: stopped\n");
  return served ? 0 : 1;
}
