// The CPU profiler: arms a per-thread CPU timer on every registered thread,
// takes samples in the SIGPROF handler (frame-pointer walk into the thread's
// SampleRing), and drains the rings every 100 ms on a collector thread into a
// (stack, labels) -> count table. Stop writes a gzipped profile.proto with
// Go's CPU layout: sample types samples/count and cpu/nanoseconds, period
// 1e9/hz cpu/nanoseconds.
//
// One profile at a time. Start, Stop and SetRate are thread-safe; the
// *Locked hooks run under ThreadRegistry::mu().
#ifndef CPPROF_RUNTIME_CPU_PROFILER_H_
#define CPPROF_RUNTIME_CPU_PROFILER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/leaf_caller.h"
#include "runtime/signal_safe.h"
#include "runtime/thread_registry.h"
#include "util/status.h"

namespace cpprof::runtime {

// Receives the finished, gzipped profile.
using ProfileSink = std::function<Status(const std::string& bytes)>;

class CpuProfiler {
 public:
  static CpuProfiler& Get();

  // Fails with "cpu profiling already in use" when one runs. A null sink:
  // the samples only feed a running trace, and Stop builds no profile; a
  // Start with a sink meanwhile claims them (the profile runs from then on,
  // at the rate it was started with).
  Status Start(ProfileSink sink);
  // Stops sampling started with a null sink that no Start claimed since.
  Status StopIfUnclaimed();
  // Stops, builds and hands the profile to the sink; an error when none runs.
  Status Stop();
  void SetRate(int hz);
  bool active() const { return active_.load(std::memory_order_acquire); }

  // Registry hooks (REQUIRES: registry mu held): a thread appeared or is
  // leaving; arm or delete its timer while a profile runs.
  void ThreadStartedLocked(ThreadState* t);
  void ThreadExitingLocked(ThreadState* t);

  // From the SIGPROF handler. from_process_timer: the signal came from the
  // setitimer fallback; it counts only for threads without their own timer.
  // overrun: periods that expired without a signal of their own (CPU-clock
  // timers are checked on the scheduler tick: at 1 kHz with HZ=250 one
  // signal arrives per 4 ms with si_overrun = 3). Returns whether the signal
  // was a sample for cpprof.
  CPPROF_SIGNAL_SAFE static bool OnTimerSignal(void* ucontext, bool from_process_timer, int overrun);

  // After fork, in the child: the profile belongs to the parent; forget it.
  void ResetInChild();

 private:
  CpuProfiler() = default;
  void CollectorLoop();
  void DrainLocked();
  void Record(uint32_t weight, const LabelSetData* labels, uintptr_t leaf_word, const uintptr_t* pcs, size_t n);
  std::string BuildAndEncode();

  struct Key {
    std::vector<uintptr_t> pcs;
    const LabelSetData* labels;
    bool operator<(const Key& o) const { return labels != o.labels ? labels < o.labels : pcs < o.pcs; }
  };

  std::mutex control_mu_;  // serializes Start/Stop
  std::atomic<bool> active_{false};
  std::atomic<int> in_handler_{0};
  std::atomic<bool> process_timer_{false};
  int hz_ = 100;
  int running_hz_ = 100;
  ProfileSink sink_;
  int64_t start_nanos_ = 0;
  std::thread collector_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_collector_ = false;
  // Guarded by the registry mutex (the collector drains under it).
  std::map<Key, int64_t> counts_;
  LeafCallerCheck leaf_check_;
  int64_t lost_ = 0;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_CPU_PROFILER_H_
