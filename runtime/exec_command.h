#ifndef OCIMAKE_RUNTIME_EXEC_COMMAND_H_
#define OCIMAKE_RUNTIME_EXEC_COMMAND_H_

#include <signal.h>

#include "sandbox_options.h"

namespace ocimake::sandbox {

// Drops every capability (the bounding set too), switches to --uid/--gid
// and sets no_new_privs; false after printing an error.
bool DropPrivileges(const SandboxOptions& options, bool in_user_namespace);

// Runs in pid 1's child, inside the finished root: restores signals, starts
// a new session, drops every capability (the bounding set too, so that even
// uid 0 execs with none), switches to --uid/--gid, sets no_new_privs and
// PR_SET_PDEATHSIG, enters --chdir, replaces the environment, closes every
// descriptor above 2 and execs the command. Exits 125 when a step fails,
// 127 when the command is not found and 126 when it cannot be executed.
[[noreturn]] void ExecCommand(const SandboxOptions& options,
                              const sigset_t& original_mask,
                              bool in_user_namespace);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_EXEC_COMMAND_H_
