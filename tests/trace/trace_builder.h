// Known traces for the tests: a cpprof trace (src/trace/trace_format.h)
// written event by event with PerfettoWriter, as the runtime's recorder
// writes it. Test-only.
#ifndef CPPROF_TESTS_TRACE_TRACE_BUILDER_H_
#define CPPROF_TESTS_TRACE_TRACE_BUILDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "trace/perfetto_writer.h"
#include "trace/trace_format.h"

namespace cpprof::trace {

inline constexpr int64_t kMs = 1000000;
inline constexpr int64_t kSec = 1000 * kMs;

class TraceBuilderForTesting {
 public:
  static constexpr int kPid = 4242;

  // The trace starts at start_ns with "trace start".
  explicit TraceBuilderForTesting(uint64_t start_ns = 1 * kSec, std::string_view sched_source = kSchedSourcePerfSwitch)
      : w_(&out_), start_ns_(start_ns) {
    w_.BeginTrace(start_ns, start_ns + 5 * kSec, 1700000000 * kSec + start_ns);
    std::vector<std::string> cmdline = {"./server", "--port=0"};
    w_.ProcessTrack(kPid, "server", cmdline);
    Annotation a[] = {Annotation::String(kAnnotSchedSource, sched_source),
                      Annotation::Uint(kAnnotWaitThreshold, 10000)};
    w_.Event({start_ns, kProcessTrackUuid, pf::kTypeInstant, kEventTraceStart, kCategoryCpprof, a});
  }

  // A thread with its state and counter tracks; with start_ns >= 0 it
  // starts then, created by `create_stack`, else it was there before the
  // trace. Returns its track's uuid.
  uint64_t Thread(int tid, std::string_view name, std::string_view start_routine = "", int64_t start_ns = -1,
                  uint32_t incarnation = 0, uint64_t create_stack = 0) {
    uint64_t uuid = ThreadTrackUuid(static_cast<uint32_t>(tid), incarnation);
    tids_[uuid] = tid;
    w_.ThreadTrack(uuid, kPid, tid, name);
    w_.ChildTrack(StateTrackUuid(uuid), uuid, kStateTrackName);
    if (start_ns >= 0) {
      Annotation a[] = {Annotation::String(kAnnotStartRoutine, start_routine)};
      w_.Event({static_cast<uint64_t>(start_ns), uuid, pf::kTypeInstant, kEventThreadStart, kCategoryThread, a,
                create_stack});
    }
    return uuid;
  }
  void Rename(uint64_t thread, std::string_view name) { w_.ThreadTrack(thread, kPid, tids_[thread], name); }
  void Exit(uint64_t thread, uint64_t t) { w_.Event({t, thread, pf::kTypeInstant, kEventThreadExit, kCategoryThread}); }

  // The thread's CPU clock and run delay at the trace's start and end.
  void Counters(uint64_t thread, int64_t cpu_ns, int64_t run_delay_ns, int64_t at_start = 5 * kMs) {
    w_.TimeCounterTrack(CpuTimeTrackUuid(thread), thread, kCpuTimeTrackName);
    w_.TimeCounterTrack(RunDelayTrackUuid(thread), thread, kRunDelayTrackName);
    counters_.push_back({thread, at_start, cpu_ns, run_delay_ns});
    for (uint64_t track : {CpuTimeTrackUuid(thread), RunDelayTrackUuid(thread)}) {
      w_.Event({start_ns_, track, pf::kTypeCounter, {}, {}, {}, 0, {}, at_start});
    }
  }

  // An interned callstack of functions, outermost first, each in
  // "<function>.cc" at line 10 + its depth. Returns its iid.
  uint64_t Stack(const std::vector<std::string>& functions) {
    InternedBatch batch;
    std::vector<uint64_t> frames;
    for (size_t i = 0; i < functions.size(); ++i) {
      auto [it, added] = frame_iids_.emplace(functions[i] + "@" + std::to_string(i), frame_iids_.size() + 1);
      if (added) {
        uint64_t name = Intern(functions[i], function_iids_, batch.function_names);
        uint64_t file = Intern(functions[i] + ".cc", path_iids_, batch.source_paths);
        batch.frames.push_back({it->second, name, file, static_cast<uint32_t>(10 + i)});
      }
      frames.push_back(it->second);
    }
    uint64_t iid = ++callstacks_;
    batch.callstacks.push_back({iid, frames});
    w_.Interned(batch);
    return iid;
  }

  void Wait(uint64_t thread, std::string_view state, std::string_view call, uint64_t start, uint64_t end,
            uint64_t stack = 0, uint64_t object = 0) {
    std::vector<Annotation> a = {Annotation::String(kAnnotCall, call)};
    if (object != 0) a.push_back(Annotation::Pointer(kAnnotObject, object));
    w_.Event({start, StateTrackUuid(thread), pf::kTypeSliceBegin, state, kCategoryState, a, stack});
    w_.Event({end, StateTrackUuid(thread), pf::kTypeSliceEnd});
  }

  void RegionBegin(uint64_t thread, uint64_t t, std::string_view type, uint64_t task = 0) {
    std::vector<Annotation> a;
    std::vector<uint64_t> flows;
    if (task != 0) {
      a.push_back(Annotation::Uint(kAnnotTask, task));
      flows.push_back(task);
    }
    w_.Event({t, thread, pf::kTypeSliceBegin, type, kCategoryRegion, a, 0, flows});
  }
  void RegionEnd(uint64_t thread, uint64_t t) { w_.Event({t, thread, pf::kTypeSliceEnd}); }

  void TaskBegin(uint64_t id, uint64_t parent, uint64_t t, std::string_view type, uint64_t stack = 0) {
    w_.ChildTrack(TaskTrackUuid(id), kProcessTrackUuid, type);
    Annotation a[] = {Annotation::Uint(kAnnotTask, id), Annotation::Uint(kAnnotParentTask, parent)};
    uint64_t flows[] = {id};
    w_.Event({t, TaskTrackUuid(id), pf::kTypeSliceBegin, type, kCategoryTask, a, stack, flows});
  }
  void TaskEnd(uint64_t id, uint64_t t) { w_.Event({t, TaskTrackUuid(id), pf::kTypeSliceEnd}); }

  void Log(uint64_t thread, uint64_t t, std::string_view category, std::string_view message, uint64_t task = 0) {
    Annotation a[] = {Annotation::String(kAnnotMessage, message), Annotation::Uint(kAnnotTask, task)};
    w_.Event({t, thread, pf::kTypeInstant, category, kCategoryLog, a});
  }

  void Sample(uint64_t thread, uint64_t t, uint64_t stack) { w_.CpuSample(t, kPid, tids_[thread], stack); }

  // Ends the trace at end_ns: the counters' end values, then "trace end".
  std::string Finish(uint64_t end_ns, uint64_t dropped = 0) {
    for (const CounterValues& c : counters_) {
      w_.Event({end_ns, CpuTimeTrackUuid(c.thread), pf::kTypeCounter, {}, {}, {}, 0, {}, c.at_start + c.cpu_ns});
      w_.Event({end_ns, RunDelayTrackUuid(c.thread), pf::kTypeCounter, {}, {}, {}, 0, {}, c.at_start + c.run_delay_ns});
    }
    Annotation a[] = {Annotation::Uint(kAnnotDroppedEvents, dropped)};
    w_.Event({end_ns, kProcessTrackUuid, pf::kTypeInstant, kEventTraceEnd, kCategoryCpprof, a});
    return out_;
  }
  // The bytes so far, without an end: a recording cut short.
  const std::string& bytes() const { return out_; }

 private:
  struct CounterValues {
    uint64_t thread;
    int64_t at_start, cpu_ns, run_delay_ns;
  };
  static uint64_t Intern(const std::string& s, std::map<std::string, uint64_t>& iids,
                         std::vector<std::pair<uint64_t, std::string>>& batch) {
    auto [it, added] = iids.emplace(s, iids.size() + 1);
    if (added) batch.push_back({it->second, s});
    return it->second;
  }

  std::string out_;
  PerfettoWriter w_;
  uint64_t start_ns_;
  std::map<uint64_t, int> tids_;
  std::vector<CounterValues> counters_;
  std::map<std::string, uint64_t> function_iids_, path_iids_, frame_iids_;
  uint64_t callstacks_ = 0;
};

}  // namespace cpprof::trace

#endif  // CPPROF_TESTS_TRACE_TRACE_BUILDER_H_
