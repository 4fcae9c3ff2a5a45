// --forward-tcp PORT SOCKET: inside the sandbox's own network namespace, a
// listener on 127.0.0.1:PORT whose every connection is relayed, bytes both
// ways, to the Unix socket SOCKET (a path inside the sandbox, typically a
// bind of a host socket). It gives a command that only speaks TCP (ccache's
// HTTP storage) one endpoint outside, and nothing else: the namespace keeps
// only loopback. ocimake's own relay (plugin/stage/remote_cache_relay) does
// the host side; the sandbox links nothing of plugin/, so the byte pump is
// written here again, small.
#ifndef OCIMAKE_RUNTIME_TCP_FORWARDER_H_
#define OCIMAKE_RUNTIME_TCP_FORWARDER_H_

#include "sandbox_options.h"

namespace ocimake::sandbox {

// In pid 1, inside the finished root, before the command starts: listens
// (so the command's first connect finds the port open), then forks the
// forwarder, which drops its privileges as the command does and serves
// each connection in a process of its own until the sandbox ends. False
// after printing an error.
bool StartTcpForwarder(const SandboxOptions& options, bool in_user_namespace);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_TCP_FORWARDER_H_
