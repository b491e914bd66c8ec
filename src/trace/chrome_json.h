// The trace in Chrome's Trace Event Format (trace.md §2.10), for
// chrome://tracing, Perfetto's JSON importer and speedscope:
// {"traceEvents":[...],"displayTimeUnit":"ns"} with process_name and
// thread_name metadata (M), a complete event (X) per state interval (name =
// the state, args call and object) and per region (args task), an instant
// (i, thread scope) per log, and an async begin/end pair (b/e, id = the task)
// per task. Times are microseconds from the trace's start, with the
// nanoseconds as three decimals.
//
// Tested by tests/trace/chrome_json_test.cc and tests/trace/trace_cli_test.sh.
#ifndef CPPROF_TRACE_CHROME_JSON_H_
#define CPPROF_TRACE_CHROME_JSON_H_

#include <string>

#include "trace/trace_model.h"

namespace cpprof::trace {

std::string ChromeJson(const TraceModel& m);

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_CHROME_JSON_H_
