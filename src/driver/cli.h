// pprof's command line (internal/driver/cli.go): flags and arguments into
// the profiles to fetch and what to do with them.
#ifndef CPPROF_DRIVER_CLI_H_
#define CPPROF_DRIVER_CLI_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver/commands.h"
#include "driver/config.h"
#include "driver/fetch.h"
#include "driver/leaks.h"
#include "driver/ui.h"
#include "util/status.h"

namespace cpprof {

struct CommandLine {
  SourceOptions source;
  Config cfg;
  const Command* cmd = nullptr;  // the output format; null: the shell or the web UI
  std::string cmd_param;         // the regexp of -list, -peek, -disasm, -weblist
  std::string http;              // -http's address; empty: no web UI
  bool open_browser = true;      // not -no_browser
  LeaksFlags leaks;
  int64_t leaks_interval_nanos = 0;
  std::string tools;  // -tools: where to look for objdump and nm
};

// Parses argv[1..] (pprof's parseFlags). Empty after -help, whose usage text
// it prints. Errors that call for the usage (bad flags, no source) carry it
// in their message; messages that are not errors (conflicting sample
// selections) go to ui.
Result<std::optional<CommandLine>> ParseFlags(const std::vector<std::string>& args, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_CLI_H_
