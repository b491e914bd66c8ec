// The wall-clock profiler (fgprof's approach for native threads): hz times
// a second, a sampler thread takes every thread's stack, on CPU or off, and
// labels it with the thread's `state`:
//   sync, network, syscall, sleep: inside a hooked blocking call
//     (wait_state.h); the stack is the one the hook captured at entry, so a
//     blocked thread gets no signal and no EINTR;
//   running: on CPU (state R in /proc/self/task/<tid>/stat); the stack
//     comes from the thread-dump signal (thread_dump.h);
//   other: off CPU in a call no hook sees (a raw futex, a page fault, a
//     glibc-internal read); the stack comes from the thread-dump signal
//     too, whose handler has SA_RESTART, so that most calls resume after
//     it. /debug/pprof/goroutine signals such threads alike, and so may end
//     with EINTR a call SA_RESTART does not restart (signal(7): epoll,
//     poll, select, nanosleep, ...); the wall profiler does not: a thread
//     that /proc/self/task/<tid>/syscall shows in one of those (a hooked
//     call entered before the profile started, so with no published wait)
//     is counted without a signal, with the call's name as its stack and
//     sleep (nanosleep), network (epoll) or other as its state.
// Each sample counts 1 and the wall time since the sampler's previous
// round, so per-thread totals add up to the profile's duration even when a
// round runs late. cpprof's own threads are left out.
//
// Off, it costs nothing: no thread, no timer, and the hooks' one load of
// g_wait_observers. On, the hooks also capture the caller's stack at every
// hooked call (CaptureStackOutsideRuntime, about 0.2-1 us).
//
// One profile at a time; Start, Stop and SetRate are thread-safe.
#ifndef CPPROF_RUNTIME_WALL_PROFILER_H_
#define CPPROF_RUNTIME_WALL_PROFILER_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/cpu_profiler.h"
#include "runtime/labels.h"
#include "runtime/leaf_caller.h"
#include "util/status.h"

namespace cpprof::runtime {

class WallProfiler {
 public:
  static WallProfiler& Get();

  // Rounds per second: default 100, clamped to [1, 250]: a round signals
  // every thread not blocked in a hook, 20-50 us each on the test VM.
  static int ClampRate(int hz);

  // Starts sampling at hz (0: the rate of SetRate); the finished, gzipped
  // profile goes to sink at Stop. Fails with "wall profiling already in use"
  // when one runs.
  Status Start(ProfileSink sink, int hz = 0);
  // Stops, builds and hands the profile to the sink; an error when none runs.
  Status Stop();
  void SetRate(int hz);

 private:
  WallProfiler();
  void SamplerLoop();
  void SampleRound(int64_t weight_ns, bool rescan);
  std::string BuildAndEncode();
  void ResetInChild();

  struct Key {
    std::vector<uintptr_t> pcs;
    const LabelSetData* labels;
    int state;  // a WaitKind, or running or other (wall_profiler.cc)
    // A system call the thread was found in without a signal (stack
    // unknown): a string literal, shown as the sample's one frame.
    const char* syscall = nullptr;
    auto operator<=>(const Key&) const = default;
  };
  struct Totals {
    int64_t count = 0;
    int64_t wall_ns = 0;
  };

  std::mutex control_mu_;  // serializes Start/Stop
  bool active_ = false;
  int hz_ = 100;
  int running_hz_ = 100;
  ProfileSink sink_;
  int64_t start_nanos_ = 0;
  std::thread sampler_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_sampler_ = false;
  // The sampler's own, until it is joined.
  std::map<Key, Totals> totals_;
  LeafCallerCheck leaf_check_;
  std::map<pid_t, int64_t> quiet_until_ns_;  // threads that did not answer: not asked again until then
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_WALL_PROFILER_H_
