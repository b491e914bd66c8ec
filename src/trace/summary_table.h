// The thread summary as text (`cpprof trace -summary`): a header on the
// trace, then go tool trace's goroutine table for threads, a row per group
// of threads (name and start routine) with its threads indented below.
// Durations print as Go's time.Duration does, rounded to 4 significant
// digits ("1.235s", "350.1ms"); the layout depends on nothing but the trace.
//
// Tested by tests/trace/thread_summary_test.cc.
#ifndef CPPROF_TRACE_SUMMARY_TABLE_H_
#define CPPROF_TRACE_SUMMARY_TABLE_H_

#include <cstdint>
#include <string>

#include "trace/thread_summary.h"
#include "trace/trace_model.h"

namespace cpprof::trace {

// d rounded to 4 significant digits, printed as Go's time.Duration.
std::string ShortDuration(int64_t d);

std::string FormatSummaryTable(const TraceModel& m, const ThreadSummary& s);

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_SUMMARY_TABLE_H_
