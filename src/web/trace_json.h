// The trace's web UI data (trace_server.cc), as JSON the page's script
// (assets/trace.js) draws: compact arrays of numbers with strings in one
// table, times in nanoseconds from the trace's start.
//
// Tested by tests/web/trace_json_test.cc and tests/web/trace_ui_test.mjs.
#ifndef CPPROF_WEB_TRACE_JSON_H_
#define CPPROF_WEB_TRACE_JSON_H_

#include <cstdint>
#include <string>

#include "trace/thread_summary.h"
#include "trace/trace_model.h"

namespace cpprof {

// {"process","pid","duration","schedSource","droppedEvents","complete",
//  "groups":[{"name","startRoutine","threads":[i...],"times":[8]}],
//  "threads":[{"name","tid","times":[wall,onCpu,sched,sync,network,syscall,sleep,unknown]}]}
std::string TraceSummaryJson(const trace::TraceModel& m, const trace::ThreadSummary& s);

// {"duration","strings":[...],"states":[...],
//  "threads":[{"name","tid","start","end"}],
//  "intervals":[thread,state,start,duration,stack,call,object,...]  (7 per interval)
//  "regions":[thread,type,start,duration,depth,task,...]          (6 per region)
//  "samples":[thread,time,stack,...]                               (3 per sample)
//  "tasks":[{"id","parent","type","start","end"}], end -1: never ended}
// Strings (call, type) are indices into "strings"; stacks are callstack
// indices for TraceStackJson, 0 for none.
std::string TraceTimelineJson(const trace::TraceModel& m);

// A callstack, leaf first: [{"function","file","line"}...]; [] when out of range.
std::string TraceStackJson(const trace::TraceModel& m, uint64_t callstack);

}  // namespace cpprof

#endif  // CPPROF_WEB_TRACE_JSON_H_
