// The cpprof command: parses pprof's command line, fetches the profiles and
// writes the chosen report. The hub of the analysis side; nothing else reads
// flags.
#ifndef CPPROF_DRIVER_DRIVER_H_
#define CPPROF_DRIVER_DRIVER_H_

#include <functional>
#include <string>
#include <vector>

#include "driver/config.h"
#include "driver/trace_command.h"
#include "driver/ui.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Serves the web UI for -http=address until interrupted or failing. With -leaks, p is the last snapshot and leaks the
// whole series (else null). Supplied by web/, which builds on the driver, not the other way.
using WebUI = std::function<Status(const Profile& p, const std::vector<Profile>* leaks, const Config& cfg,
                                   const std::string& address, bool open_browser, Ui& ui)>;

// Runs cpprof with argv[1..]; returns the process exit status: as pprof's,
// 0 or 2 for every error. `cpprof trace ...` runs trace_command.h's command
// (a profile file named "trace" is read with a flag before it, as in
// `cpprof -top trace`).
int RunCommandLine(const std::vector<std::string>& args, const WebUI& web = nullptr,
                   const TraceWebUI& trace_web = nullptr);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_DRIVER_H_
