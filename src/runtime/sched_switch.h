// Where a thread's scheduler waits come from: per-thread perf context-switch
// records (PERF_RECORD_SWITCH, allowed to unprivileged processes at
// perf_event_paranoid <= 2 for their own threads), and /proc's schedstat
// counters (CPU time and run-queue delay), which need nothing.
#ifndef CPPROF_RUNTIME_SCHED_SWITCH_H_
#define CPPROF_RUNTIME_SCHED_SWITCH_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace cpprof::runtime {

// One thread's PERF_COUNT_SW_DUMMY event with context_switch=1: a switch out
// flagged PREEMPT starts a preemption, the next switch in ends it. The ring
// is 8 KiB of 24-byte records (~170 switches in and out, 1,700 a second at
// the flusher's 100 ms) before the kernel drops records (counted as dropped
// events): small, because an unprivileged process may lock only
// perf_event_mlock_kb (516 KiB) per CPU of perf rings, 12 KiB per thread here.
class SchedSwitchReader {
 public:
  SchedSwitchReader() = default;
  ~SchedSwitchReader() { Close(); }
  SchedSwitchReader(const SchedSwitchReader&) = delete;
  SchedSwitchReader& operator=(const SchedSwitchReader&) = delete;

  // Opens the event for thread tid of this process; false (errno set) when
  // the kernel refuses it (perf_event_paranoid 3, seccomp, no perf support).
  bool Open(pid_t tid);
  bool open() const { return fd_ >= 0; }
  // Appends the preemptions [begin, end] (CLOCK_MONOTONIC ns) completed
  // since the last call; returns the records the kernel lost.
  uint64_t Read(std::vector<std::pair<int64_t, int64_t>>* preemptions);
  void Close();

 private:
  int fd_ = -1;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  int64_t preempted_at_ = -1;  // a switch out whose switch in is not read yet
};

// /proc/self/task/<tid>/schedstat: time on CPU (the thread's CPU clock) and
// time runnable on a run queue, in ns. False when unreadable (no
// CONFIG_SCHED_INFO, or the thread is gone).
bool ReadSchedstat(pid_t tid, int64_t* cpu_ns, int64_t* run_delay_ns);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SCHED_SWITCH_H_
