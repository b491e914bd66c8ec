// The trace's web UI (`cpprof trace -http`), as go tool trace's index
// (trace.md §1.5): a timeline of the threads (states, regions, CPU samples;
// a click shows the stack), the thread summary table, task and region
// latency histograms, the derived profiles in the pprof views (flame graph,
// top, graph) at /pprof/<kind>/ui/, and the trace itself to download or open
// in ui.perfetto.dev.
//
// Tested by tests/web/trace_ui_test.mjs.
#ifndef CPPROF_WEB_TRACE_SERVER_H_
#define CPPROF_WEB_TRACE_SERVER_H_

#include <string>
#include <string_view>

#include "driver/ui.h"
#include "trace/trace_model.h"
#include "util/status.h"

namespace cpprof {

// Serves on address as ServeWebUI does (listen.h) until serving fails.
Status ServeTraceUI(const trace::TraceModel& m, std::string_view trace_bytes, const std::string& address,
                    bool open_browser, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_WEB_TRACE_SERVER_H_
