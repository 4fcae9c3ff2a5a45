// The `ocimake` subcommands, one file each (cmd_<name>.cc), in one table as
// Ninja's -t tools are. Each takes the arguments after its name and returns
// the exit status; errors are thrown as ocimake::Error and printed by main().
#ifndef OCIMAKE_CLI_COMMANDS_H_
#define OCIMAKE_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/fs_util.h"

namespace ocimake {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

int RunLayer(const Args& args);
int RunClosure(const Args& args);
int RunUser(const Args& args);
int RunPackages(const Args& args);
int RunImage(const Args& args);
int RunSbom(const Args& args);
int RunSbomWrite(const Args& args);
int RunIndex(const Args& args);
int RunExport(const Args& args);
int RunInspect(const Args& args);
int RunDiff(const Args& args);
int RunStructureTest(const Args& args);
int RunCopy(const Args& args);
int RunStage(const Args& args);
int RunCheckInputs(const Args& args);
int RunUnpack(const Args& args);
int RunRun(const Args& args);
int RunServiceTestCommand(const Args& args);
int RunToolchain(const Args& args);
int RunPush(const Args& args);
int RunPull(const Args& args);
int RunBaseDigest(const Args& args);
int RunLogin(const Args& args);
int RunProvenanceWrite(const Args& args);
int RunCache(const Args& args);

const std::vector<Command>& AllCommands();

// Shared by the commands.
int64_t DefaultEpoch();  // SOURCE_DATE_EPOCH, or 0
// Writes a Ninja/Make depfile "output: inputs..." (rewritten only on change).
void WriteDepfile(const std::string& depfile, const std::string& output,
                  const std::vector<std::string>& inputs);
// The same written as the inputs come (a temp file beside it), for a list
// too long to hold: Finish() puts it in place unless the bytes there are
// the same; destroyed unfinished, nothing is written.
class DepfileWriter {
 public:
  DepfileWriter(const std::string& depfile, const std::string& output);
  void Add(const std::string& input);
  void Finish();

 private:
  void Flush();
  std::string depfile_;
  AtomicFile file_;
  Sha256 hash_;
  std::string buffer_;
};

}  // namespace ocimake

#endif  // OCIMAKE_CLI_COMMANDS_H_
