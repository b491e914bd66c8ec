// Package trace (analysis side): a cpprof execution trace (trace_format.h)
// decoded once into flat, interned tables that the summary, the derived
// profiles, the JSON export and the web UI read; nothing re-parses the file.
//
// Times are the trace's CLOCK_MONOTONIC nanoseconds. References between
// tables are dense indices (uint32_t, kNone when absent); strings are
// interned in `strings` (StrId 0 is ""), so names compare as integers.
// Callstacks are slices of one frame pool, outermost frame first, as the
// trace writes them; callstack 0 is the empty stack.
#ifndef CPPROF_TRACE_TRACE_MODEL_H_
#define CPPROF_TRACE_TRACE_MODEL_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "profile/profile.h"
#include "profile/string_table.h"

namespace cpprof::trace {

// The wait states of trace_format.h's kState*; kOther is a state name the
// reader does not know (a newer recorder's), kept by name in the interval.
enum class WaitState : uint8_t { kSync, kNetwork, kSyscall, kSleep, kSched, kOther };
inline constexpr int kNumWaitStates = 6;
// kState* for each state ("other" for kOther), and back.
std::string_view WaitStateName(WaitState s);
WaitState ParseWaitState(std::string_view name);

struct TraceFrame {
  StrId function = 0;
  StrId file = 0;
  uint32_t line = 0;
};

struct Callstack {
  uint32_t begin = 0;  // into TraceModel::stack_frames
  uint32_t size = 0;
};

struct TraceThread {
  uint64_t uuid = 0;  // its track: ThreadTrackUuid(tid, incarnation)
  int64_t tid = 0;
  uint32_t incarnation = 0;
  StrId name = 0;  // the last name it had; every name is in TraceModel::thread_names
  StrId start_routine = 0;
  int64_t start_ns = -1;      // its "thread start" event; -1: it started before the trace
  uint32_t create_stack = 0;  // the creating thread's stack at pthread_create
  int64_t exit_ns = -1;       // its "thread exit" event; -1: alive at the trace's end
  int64_t cpu_time_ns = -1;   // its CPU clock's last - first counter value; -1: no counter
  int64_t run_delay_ns = -1;  // schedstat's run delay, last - first; -1: no counter
};

// A thread's name from `since_ns` on (a rename is a new descriptor of its track).
struct ThreadName {
  uint32_t thread = 0;
  int64_t since_ns = 0;
  StrId name = 0;
};

// A state slice: the thread was off CPU in `state` over [start_ns, end_ns].
struct StateInterval {
  uint32_t thread = 0;
  WaitState state = WaitState::kOther;
  StrId state_name = 0;
  StrId call = 0;       // "pthread_mutex_lock", "recv", ...
  uint64_t object = 0;  // the lock's address, the fd; 0: none
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint32_t stack = 0;  // the stack that entered the wait
};

struct Region {
  uint32_t thread = 0;
  StrId type = 0;
  uint64_t task = 0;  // 0: none
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // the trace's end when it never ended
  uint32_t depth = 0;  // 0: outermost on its thread
};

struct Task {
  uint64_t id = 0;
  uint64_t parent = 0;  // 0: none
  StrId type = 0;
  int64_t start_ns = 0;
  int64_t end_ns = -1;  // -1: not ended within the trace
  uint32_t stack = 0;
};

struct LogEntry {
  uint32_t thread = 0;
  int64_t time_ns = 0;
  StrId category = 0;
  StrId message = 0;
  uint64_t task = 0;
};

struct CpuSample {
  uint32_t thread = 0;
  int64_t time_ns = 0;
  uint32_t stack = 0;
};

struct ByThread {
  template <typename Row>
  bool operator()(const Row& r, uint32_t thread) const {
    return r.thread < thread;
  }
  template <typename Row>
  bool operator()(uint32_t thread, const Row& r) const {
    return thread < r.thread;
  }
};

struct TraceModel {
  StringTable strings;

  int64_t pid = 0;
  StrId process_name = 0;
  std::vector<StrId> cmdline;
  int64_t start_ns = 0;
  int64_t end_ns = 0;          // "trace end", else the last timestamp seen
  bool has_end_event = false;  // false: the recording was cut short
  int64_t start_unix_ns = 0;   // start_ns in CLOCK_REALTIME, from the clock snapshot; 0: unknown
  StrId sched_source = 0;
  int64_t wait_threshold_ns = 0;
  uint64_t dropped_events = 0;

  std::vector<TraceFrame> frames;
  std::vector<uint32_t> stack_frames;  // frame indices
  std::vector<Callstack> callstacks;

  std::vector<TraceThread> threads;
  std::vector<ThreadName> thread_names;
  std::vector<StateInterval> intervals;  // by thread, then start
  std::vector<Region> regions;           // by thread, then start
  std::vector<Task> tasks;               // by start
  std::vector<LogEntry> logs;            // by time
  std::vector<CpuSample> samples;        // by thread, then time

  std::string_view str(StrId id) const { return strings.Get(id); }
  std::span<const uint32_t> stack(uint32_t callstack) const {
    const Callstack& c = callstacks[callstack];
    return {stack_frames.data() + c.begin, c.size};
  }
  // A thread's rows of a table sorted by thread (intervals, regions, samples).
  template <typename Row>
  static std::span<const Row> RowsOf(const std::vector<Row>& table, uint32_t thread) {
    auto [lo, hi] = std::equal_range(table.begin(), table.end(), thread, ByThread{});
    return {table.data() + (lo - table.begin()), static_cast<size_t>(hi - lo)};
  }
  std::span<const StateInterval> IntervalsOf(uint32_t thread) const { return RowsOf(intervals, thread); }
  std::span<const Region> RegionsOf(uint32_t thread) const { return RowsOf(regions, thread); }
  std::span<const CpuSample> SamplesOf(uint32_t thread) const { return RowsOf(samples, thread); }

  // The part of the trace the thread lived in: [max(start, thread start), min(end, thread exit)].
  int64_t WindowStart(const TraceThread& t) const { return t.start_ns < 0 ? start_ns : std::max(start_ns, t.start_ns); }
  int64_t WindowEnd(const TraceThread& t) const { return t.exit_ns < 0 ? end_ns : std::min(end_ns, t.exit_ns); }
};

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_TRACE_MODEL_H_
