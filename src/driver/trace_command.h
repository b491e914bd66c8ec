// `cpprof trace`: go tool trace's command line. Reads an execution trace
// (a file, or a URL fetched from /debug/pprof/trace) and prints the thread
// summary, writes a derived profile (-pprof) or Chrome JSON (-json), or
// serves the trace's web UI (-http).
//
// Tested by tests/trace/trace_cli_test.sh.
#ifndef CPPROF_DRIVER_TRACE_COMMAND_H_
#define CPPROF_DRIVER_TRACE_COMMAND_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/ui.h"
#include "trace/trace_model.h"
#include "util/status.h"

namespace cpprof {

// Serves the trace's web UI on address until interrupted or failing;
// trace_bytes is the trace as read, for its download. Supplied by web/, as
// the profile's WebUI is.
using TraceWebUI = std::function<Status(const trace::TraceModel& m, std::string_view trace_bytes,
                                        const std::string& address, bool open_browser, Ui& ui)>;

// Runs `cpprof trace` with the arguments after "trace". Errors are one line.
Status RunTraceCommand(const std::vector<std::string>& args, const TraceWebUI& web, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_TRACE_COMMAND_H_
