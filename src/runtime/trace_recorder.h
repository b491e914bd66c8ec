// The execution tracer: records every thread's timeline (creation, exit,
// names, waits, CPU samples, scheduler waits) and the program's annotations
// (tasks, regions, logs) into bounded per-thread buffers, and streams them as
// a Perfetto trace (src/trace/trace_format.h) to a file descriptor.
//
// Off, nothing here costs anything on the program's paths beyond the wait
// hooks' one relaxed load of g_wait_observers (wait_state.h).
#ifndef CPPROF_RUNTIME_TRACE_RECORDER_H_
#define CPPROF_RUNTIME_TRACE_RECORDER_H_

#include <cstdint>

#include "runtime/wait_state.h"

namespace cpprof::runtime {

// Records a wait of the calling thread that has just ended: a state slice
// [start_ns, end_ns] (CLOCK_MONOTONIC) with the calling thread's stack from
// the first frame outside libcpprof (the caller of the interposed function).
// `call` is a string literal ("recv", "pthread_mutex_lock"); object is the
// lock's address or the file descriptor (0: none). Called by the wait hooks
// when g_wait_observers has kWaitObserverTrace; never blocks, never
// allocates on the calling thread beyond its buffer, drops (and counts) the
// event when the buffer is full.
void TraceWait(WaitKind kind, const char* call, uint64_t object, int64_t start_ns, int64_t end_ns) noexcept;

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_TRACE_RECORDER_H_
