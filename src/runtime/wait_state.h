// Why a thread is off CPU, as the wait hooks (lock_interpose.cc,
// wait_interpose.cc) see it, and who is listening: the execution tracer
// (trace_recorder.h), the wall-clock profiler (wall_profiler.h) and the
// contention profiler (contention_profiler.h).
//
// With no listener, a hook costs one relaxed load of g_wait_observers and a
// predicted branch before the real function.
#ifndef CPPROF_RUNTIME_WAIT_STATE_H_
#define CPPROF_RUNTIME_WAIT_STATE_H_

#include <atomic>
#include <cstdint>

#include "runtime/signal_safe.h"
#include "runtime/stack_walk.h"

namespace cpprof::runtime {

struct ThreadState;

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

// Whether fd is a socket (fstat's S_IFSOCK, about 0.3 us): a wait on it is
// network. Descriptors are the process's, so this also tells for another
// thread's blocked call (blocked_call.cc).
bool IsSocket(int fd);

// Bits of g_wait_observers, the one word every hook loads. The lock hooks
// act on any bit; the system-call hooks (wait_interpose.cc) only on
// kWaitObserverTrace and kWaitObserverWall.
inline constexpr uint32_t kWaitObserverTrace = 1;
inline constexpr uint32_t kWaitObserverWall = 2;
inline constexpr uint32_t kWaitObserverContention = 4;  // mutex or block profile on
inline constexpr uint32_t kWaitObserverTimed = kWaitObserverTrace | kWaitObserverWall;
extern std::atomic<uint32_t> g_wait_observers;

// Sets or clears bits of g_wait_observers (Start/Stop of a listener).
void SetWaitObserver(uint32_t bit, bool on);

// A system call (wait_interpose.cc) shorter than this is not a wait and is
// not traced: a read of a ready descriptor, a send into a socket buffer with
// room. Measured on the 2-core test VM: such calls take 0.3-2 us (read of
// /dev/zero 0.35 us, recv of a queued datagram 1.1 us), while any call that
// really blocks pays two context switches and a wake-up, 8 us and more
// (pipe ping-pong round trip 10.6 us). Lock and condition-variable waits
// have no threshold: the hooks time only contended acquisitions, which did
// block. The trace says this value in its start annotation
// (wait_threshold_ns).
inline constexpr int64_t kWaitThresholdNs = 5000;

// Set while a hook does cpprof's own work (stack capture, recording), so
// that the locks and system calls of that work go straight to the real
// functions. initial-exec: a plain %fs-relative access, signal-safe.
extern __thread bool t_in_hook __attribute__((tls_model("initial-exec")));

class HookScope {
 public:
  HookScope() : saved_(t_in_hook) { t_in_hook = true; }
  ~HookScope() { t_in_hook = saved_; }
  HookScope(const HookScope&) = delete;
  HookScope& operator=(const HookScope&) = delete;

 private:
  bool saved_;  // scopes nest: the lock hooks' recording ends a wait
};

// The wait a thread is in, published by the thread itself for the wall
// profiler, which reads it from another thread: a seqlock (seq odd while the
// thread writes; every field atomic, so a torn read is detected, never
// undefined). The stack is captured at the hook's entry, only while a wall
// profile runs, so that a blocked thread is sampled without a signal.
struct CurrentWait {
  std::atomic<uint32_t> seq{0};
  std::atomic<WaitKind> kind{WaitKind::kNone};
  std::atomic<const char*> call{nullptr};
  std::atomic<uint64_t> object{0};
  std::atomic<int64_t> start_ns{0};
  std::atomic<int> depth{0};
  std::atomic<uintptr_t> pcs[kMaxStackDepth] = {};
};

// A consistent copy of a CurrentWait.
struct WaitSnapshot {
  WaitKind kind = WaitKind::kNone;
  const char* call = nullptr;
  uint64_t object = 0;
  int64_t start_ns = 0;
  int depth = 0;
  uintptr_t pcs[kMaxStackDepth];
};
// False when the thread kept writing (a wait per microsecond); a caller
// then treats the thread as not waiting.
bool ReadCurrentWait(const CurrentWait& w, WaitSnapshot* out);

// One wait of the calling thread, from BeginWait to EndWait.
struct WaitRecord {
  uint32_t observers = 0;
  WaitKind kind = WaitKind::kNone;  // kNone: classified at EndWait
  const char* call = nullptr;
  uint64_t object = 0;
  int64_t start_ns = 0;
  ThreadState* self = nullptr;  // the calling thread's entry, when timed
  CurrentWait* slot = nullptr;  // published for the wall profiler
};

// Timestamps the start of a wait and, while a wall profile runs and the
// thread is not in a wait already (a hooked call from a signal handler
// inside another), publishes it with the caller's stack. kind may be kNone
// when classifying costs something (an fstat): the wall profiler needs it at
// once and gets it from BeginWait's caller; the tracer only for waits
// longer than kWaitThresholdNs. On one of cpprof's own threads (their
// waits are not the program's) the record keeps only the contention bit,
// and EndWait does nothing. REQUIRES: t_in_hook false. Signal-safe when the wall
// profiler is off (the stack capture may read DWARF through libgcc).
WaitRecord BeginWait(uint32_t observers, WaitKind kind, const char* call, uint64_t object);
// Withdraws the published wait and hands it to the tracer when it lasted at
// least min_ns (kind must be set by then).
void EndWait(const WaitRecord& w, int64_t end_ns, int64_t min_ns);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_WAIT_STATE_H_
