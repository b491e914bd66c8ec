// Where each thread's time went, as go tool trace's goroutine analysis
// (trace.md §1.6): a row per thread that adds up exactly to the thread's wall
// time, and groups of threads with the same name and start routine.
//
// For thread T, its window W = [max(trace start, T's start), min(trace end,
// T's exit)]:
//   waits   = T's sync, network, syscall and sleep intervals clipped to W;
//             where two overlap, the overlap counts once, to the earlier one
//             (states the reader does not know count as unknown time);
//   sched   = with sched_source perf_switch, T's sched intervals clipped to W
//             minus their overlap with the waits (and with each other);
//             otherwise the run-delay counter's end - start, at most
//             |W| - waits;
//   on CPU  = the CPU-time counter's end - start, at most |W| - waits - sched;
//   unknown = |W| - everything above (>= 0).
//
// Tested by tests/trace/thread_summary_test.cc.
#ifndef CPPROF_TRACE_THREAD_SUMMARY_H_
#define CPPROF_TRACE_THREAD_SUMMARY_H_

#include <cstdint>
#include <vector>

#include "trace/trace_model.h"

namespace cpprof::trace {

struct ThreadTimes {
  int64_t wall = 0;
  int64_t on_cpu = 0;
  int64_t sched = 0;
  int64_t sync = 0;
  int64_t network = 0;
  int64_t syscall = 0;
  int64_t sleep = 0;
  int64_t unknown = 0;

  void Add(const ThreadTimes& o);
};

// A piece of a state interval counted in the summary.
struct CountedSpan {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint32_t interval = 0;  // index into TraceModel::intervals
};

// One thread's accounting, with the pieces of its intervals behind the
// numbers (the wall profile puts each at its stack).
struct ThreadAccounting {
  ThreadTimes times;
  std::vector<CountedSpan> waits;  // in time order, disjoint
  std::vector<CountedSpan> sched;  // in time order, disjoint from each other and from waits
};

ThreadAccounting AccountThread(const TraceModel& m, uint32_t thread);

// go tool trace's groups: threads with the same name and start routine.
struct ThreadGroup {
  StrId name = 0;
  StrId start_routine = 0;
  std::vector<uint32_t> threads;  // by tid
  ThreadTimes total;
};

struct ThreadSummary {
  std::vector<ThreadTimes> threads;  // by thread index
  std::vector<ThreadGroup> groups;   // by total wall time, largest first, then by name
};

ThreadSummary SummarizeThreads(const TraceModel& m);

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_THREAD_SUMMARY_H_
