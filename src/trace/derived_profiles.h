// Profiles derived from a trace, as go tool trace's -pprof (trace.md §1.6):
//   net, sync, syscall: one value per wait interval of that state (count 1,
//     its length) at the stack that entered the wait;
//   sched: the thread's scheduler waits, each at the thread's most recent
//     CPU sample before it (a sched interval has no stack of its own), else
//     at a single frame naming the thread; with schedstat as the sched
//     source there are no intervals, and each thread's run delay is one
//     value at its last sample;
// in Go's shape: period type trace/count, period 1, sample types
// contentions/count and delay/nanoseconds (those of the block profile, so
// the sync profile diffs against /debug/pprof/block), samples merged by
// stack as Go merges them, functions keyed by name and file.
//
//   wall: every thread's whole window split as the thread summary splits it
//     (thread_summary.h): waits at their stacks, scheduler waits as above,
//     on-CPU time spread evenly over the thread's CPU samples (state
//     "running"), unknown time at its last sample; labels state=<state>
//     and thread=<name>; sample types samples/count and wall/nanoseconds,
//     as the runtime's /debug/pprof/wall. Each thread's values add up to its
//     wall time exactly.
//
// Tested by tests/trace/derived_profiles_test.cc and tests/trace/trace_cli_test.sh.
#ifndef CPPROF_TRACE_DERIVED_PROFILES_H_
#define CPPROF_TRACE_DERIVED_PROFILES_H_

#include <optional>
#include <string_view>

#include "profile/profile.h"
#include "trace/trace_model.h"

namespace cpprof::trace {

enum class DerivedKind { kNet, kSync, kSyscall, kSched, kWall };

// "net", "sync", "syscall", "sched", "wall".
std::optional<DerivedKind> ParseDerivedKind(std::string_view name);
std::string_view DerivedKindName(DerivedKind kind);

Profile BuildDerivedProfile(const TraceModel& m, DerivedKind kind);

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_DERIVED_PROFILES_H_
