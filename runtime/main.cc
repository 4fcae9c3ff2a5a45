// ocimake-sandbox: runs a command in Linux namespaces, rooted at a read-only
// image directory. See docs/sandbox.md.

#include "diagnostics.h"
#include "linux_calls.h"
#include "sandbox.h"
#include "sandbox_options.h"

namespace sandbox = ocimake::sandbox;

int main(int argc, char** argv) {
  // Nothing the caller left open may reach the sandbox.
  if (sandbox::CloseFileDescriptorsFrom(3) != 0) {
    sandbox::SyscallFailed("close_range(3, ~0U, 0)");
    return sandbox::kExitSetupFailed;
  }
  sandbox::SandboxOptions options;
  int exit_code = sandbox::ParseSandboxOptions(argc, argv, &options);
  if (exit_code >= 0) return exit_code;
  return sandbox::RunSandbox(options);
}
