// The execution tracer: records every thread's timeline (creation, exit,
// names, waits, CPU samples, scheduler waits) and the program's annotations
// (tasks, regions, logs) into bounded per-thread buffers (trace_buffer.h),
// and a flusher thread streams them as a Perfetto trace (src/trace/
// trace_format.h, encoded by trace_encoder.h) to a sink every 100 ms.
//
// Off, nothing here costs anything on the program's paths beyond one relaxed
// load of the session number (cpprof/trace.h) or, in the wait hooks, of
// g_wait_observers (wait_state.h).
//
// Memory: one 256 KiB buffer per traced thread, 64 MiB in all (256 threads);
// a thread beyond that records nothing and its events are counted as dropped.
// Buffers stay with their thread across traces (their pages are given back
// when a trace stops) and are freed after the thread exits.
#ifndef CPPROF_RUNTIME_TRACE_RECORDER_H_
#define CPPROF_RUNTIME_TRACE_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "runtime/signal_safe.h"
#include "runtime/wait_state.h"
#include "util/status.h"

namespace cpprof::runtime {

struct ThreadState;

// Records a wait of the calling thread, whose entry is self, that has just
// ended: a state slice [start_ns, end_ns] (CLOCK_MONOTONIC) with the calling
// thread's stack from the first frame outside libcpprof (the caller of the
// interposed function).
// `call` is a string literal ("recv", "pthread_mutex_lock"); object is the
// lock's address or the file descriptor (0: none). Called by the wait hooks
// when g_wait_observers has kWaitObserverTrace; never blocks, never
// allocates on the calling thread beyond its buffer, drops (and counts) the
// event when the buffer is full.
void TraceWait(ThreadState* self, WaitKind kind, const char* call, uint64_t object, int64_t start_ns,
               int64_t end_ns) noexcept;

// Receives the trace's bytes, in order, from the flusher thread; false when
// they could not be written (the trace then stops recording).
using TraceSink = std::function<bool(std::string_view bytes)>;

// Fails with "tracing is already enabled" while a trace runs.
Status StartTracing(TraceSink sink);
// Stops, writes the rest and returns the first write error; an error when
// no trace runs.
Status StopTracing();

// The trace's session number, 0 when off (cpprof/trace.h's fast paths read it).
CPPROF_SIGNAL_SAFE uint32_t TraceSession();

// Annotations of the calling thread (trace_api.cc).
uint32_t TraceRegionBegin(std::string_view type);
void TraceRegionEnd(uint32_t session);
void TraceTaskBegin(uint64_t id, uint64_t parent, uint32_t type);
void TraceTaskEnd(uint64_t id, uint32_t type);
void TraceLogMessage(std::string_view category, std::string_view message);
// The calling thread's current task (0: none); TaskScope sets it.
uint64_t TraceCurrentTask();
void TraceSetCurrentTask(uint64_t id);
// Interns a task or region type for the trace's lifetime (never 0).
uint32_t TraceInternType(std::string_view type);

// A CPU sample of thread t from its SIGPROF handler (pcs as return addresses).
CPPROF_SIGNAL_SAFE void TraceCpuSample(ThreadState* t, const uintptr_t* pcs, size_t n);

// pthread_create's side (interpose.cc): what the creator knows, captured
// only while tracing, and handed to the new thread.
struct TraceThreadOrigin {
  uint64_t created_ticks = 0;  // trace_clock.h; 0: not tracing when created
  uintptr_t start_routine = 0;
  int depth = 0;
  uintptr_t pcs[64];
};
void TraceCaptureOrigin(void* (*start)(void*), TraceThreadOrigin* origin);
// The new thread, registered, records its "thread start".
void TraceThreadStarted(const TraceThreadOrigin& origin);
// pthread_setname_np / prctl(PR_SET_NAME) succeeded; own_name is the new
// name when the calling thread renamed itself, null for another thread.
void TraceThreadRenamed(const char* own_name);

// Registry hooks. REQUIRES: registry mu held, except TraceThreadExiting,
// which the exiting thread calls before taking it.
void TraceThreadRegisteredLocked(ThreadState* t);
void TraceThreadExiting(ThreadState* t);
void TraceThreadGoneLocked(ThreadState* t);
// After fork, in the child: the trace belongs to the parent (its fd, its
// flusher): the child records nothing and may start its own.
void TraceResetInChild();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_TRACE_RECORDER_H_
