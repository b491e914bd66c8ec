// Why a thread is off CPU, as the wait hooks (lock_interpose.cc,
// wait_interpose.cc) see it, and who is listening: the execution tracer
// (trace_recorder.h) and the wall-clock profiler (wall_profiler.h).
//
// With no listener, a hook costs one relaxed load of g_wait_observers and a
// predicted branch before the real function.
#ifndef CPPROF_RUNTIME_WAIT_STATE_H_
#define CPPROF_RUNTIME_WAIT_STATE_H_

#include <atomic>
#include <cstdint>

namespace cpprof::runtime {

// go tool trace's blocking reasons, for native code. kNone: running, or in
// a call no hook sees.
enum class WaitKind : uint8_t {
  kNone = 0,
  kSync,     // mutex, rwlock, condition variable, join, semaphore
  kNetwork,  // socket calls; poll, epoll and select
  kSyscall,  // file, pipe and other blocking system calls
  kSleep,    // nanosleep, clock_nanosleep, usleep, sleep
};

// The state's name in traces and `state` labels: trace_format.h's kState*.
const char* WaitKindName(WaitKind kind);

// Bits of g_wait_observers.
inline constexpr uint32_t kWaitObserverTrace = 1;
inline constexpr uint32_t kWaitObserverWall = 2;
extern std::atomic<uint32_t> g_wait_observers;

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_WAIT_STATE_H_
