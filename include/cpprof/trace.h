// cpprof execution traces: what Go's runtime/trace gives Go programs.
//
//   cpprof::StartTrace(fd);  ...  cpprof::StopTrace();
//   cpprof::Task task = cpprof::Task::New("checkout");
//   { cpprof::TaskScope adopt(task);  cpprof::Region r("charge");  ... }
//   task.End();
//
// A trace holds every thread's timeline (creation with the creator's stack,
// names, exit, CPU and run-delay counters), its waits (locks, sockets,
// sleeps, with the stack that waited), the scheduler's preemptions, CPU
// samples, and the program's tasks, regions and logs. It is a Perfetto
// protobuf trace (ui.perfetto.dev opens it; `cpprof trace` analyses it),
// streamed to the destination while it records. Same contract as cpprof.h:
// nothing throws or aborts; any thread may call these, never a signal
// handler.
//
// Cost: off, every call below is one relaxed load and a branch. On, a region
// pair costs tens of nanoseconds (no stack); a task creation and a log take
// the calling thread's stack or copy the message. Events go to per-thread
// buffers of bounded total size; events that do not fit are dropped and
// counted in the trace ("trace end", dropped_events).
#ifndef CPPROF_TRACE_H_
#define CPPROF_TRACE_H_

#include <atomic>
#include <cstdint>
#include <string_view>

#include "cpprof/cpprof.h"

namespace cpprof {

// Starts tracing into fd (not closed; it must stay open until StopTrace).
// Fails with "tracing is already enabled" while a trace runs.
CPPROF_EXPORT Error StartTrace(int fd) noexcept;
// Stops tracing, writes what is buffered and returns the first write error.
CPPROF_EXPORT Error StopTrace() noexcept;
CPPROF_EXPORT bool TraceEnabled() noexcept;

namespace trace_internal {
// The running trace's session number, 0 when off: what the inline fast
// paths below test.
CPPROF_EXPORT extern std::atomic<uint32_t> session;
CPPROF_EXPORT uint32_t RegionBegin(std::string_view type) noexcept;
CPPROF_EXPORT void RegionEnd(uint32_t session) noexcept;
}  // namespace trace_internal

// A logical operation that may span threads (Go's trace.Task). Its parent is
// the calling thread's current task (TaskScope). Copyable; End it once (later
// Ends are ignored on that copy).
class CPPROF_EXPORT Task {
 public:
  Task() = default;
  // Creates a task of the given type (keep types to a bounded set: the
  // analysis groups by them) with the calling thread's stack.
  static Task New(std::string_view type) noexcept;
  void End() noexcept;
  // Unique in the process, never 0 for a task made by New.
  uint64_t id() const { return id_; }

 private:
  uint64_t id_ = 0;
  uint32_t type_ = 0;  // interned type string
  bool ended_ = false;
};

// While alive, the calling thread works for `task`: its regions and logs
// belong to it and tasks it creates are its children. Restores the previous
// task on destruction.
class CPPROF_EXPORT TaskScope {
 public:
  explicit TaskScope(const Task& task) noexcept;
  ~TaskScope();
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;

 private:
  uint64_t previous_;
};

// A time interval of the calling thread (Go's trace.Region): begins at
// construction, ends at destruction, on the same thread; regions nest. It
// belongs to the thread's current task and carries the thread's labels
// (ScopedLabels). The type is interned by address and content: pass the same
// string (a literal) for the same kind of region.
class Region {
 public:
  explicit Region(std::string_view type) noexcept
      : session_(trace_internal::session.load(std::memory_order_relaxed) != 0 ? trace_internal::RegionBegin(type) : 0) {
  }
  ~Region() {
    if (session_ != 0) trace_internal::RegionEnd(session_);
  }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

 private:
  uint32_t session_;  // of the trace that saw the begin; 0 = not recorded
};

// A message at this instant on the calling thread (Go's trace.Log), in its
// current task; messages longer than 4 KiB are cut.
CPPROF_EXPORT void TraceLog(std::string_view category, std::string_view message) noexcept;

}  // namespace cpprof

#endif  // CPPROF_TRACE_H_
