// CLI11 glue shared by the subcommands.
#ifndef OCIMAKE_CLI_CLI_H_
#define OCIMAKE_CLI_CLI_H_

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "source/image_source.h"

namespace ocimake {

// Parses `args` for `app`. Returns -1 when the command should run, else the
// exit status to return: 0 after --help, 2 after a usage error (printed as
// one line naming the command).
int ParseArgs(CLI::App& app, const Args& args);

// The options of every command that talks to registries: --ca-file,
// --insecure-registry (repeatable) and --cache, over $OCIMAKE_CA_FILE,
// $OCIMAKE_INSECURE_REGISTRIES and $OCIMAKE_CACHE_DIR.
struct RegistryFlags {
  std::string ca_file;
  std::vector<std::string> insecure;
  std::string cache_dir;
  std::string jobs;  // --jobs: blobs transferred at once (RegistryOptions::transfer_jobs)
};
struct RegistryOptions;
void AddRegistryFlags(CLI::App& app, RegistryFlags* flags, bool with_cache = true);
// --jobs N of push, pull and copy.
void AddTransferJobsFlag(CLI::App& app, RegistryFlags* flags);
RegistryOptions MakeRegistryOptions(const RegistryFlags& flags);

// A --base argument as given, or for "@FILE" the reference FILE holds (a
// pin written by `ocimake base-digest`: REF@sha256:...); fails naming FILE
// when it is missing or holds no digest-pinned reference.
std::string ResolveBaseArgument(const std::string& base);

// A build step's --base (scratch: none; @FILE as ResolveBaseArgument reads
// it) for --platform `platform`: the host's when empty, else that
// platform's manifest, which the base must have. `near` is a file the step
// writes (a pulled base is cached beside).
std::optional<OpenedSource> OpenBase(const std::string& base, const std::string& platform,
                                     const RegistryFlags& registry, const std::string& near);

// Attaches `document` (written to `output` already) to `subject` in the
// layout of `image` (a layout DIR[:TAG]) as an artifact of `artifact_type`,
// its layer titled with the output's file name: the --attach of sbom-write
// and provenance-write.
void AttachBeside(const std::string& image, const Descriptor& subject, const char* artifact_type,
                  const std::string& document, const std::string& output);

}  // namespace ocimake

#endif  // OCIMAKE_CLI_CLI_H_
