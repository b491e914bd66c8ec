// Per-thread CPU-time timers (Go 1.18+'s mechanism): a POSIX timer on the
// thread's CPU clock delivers SIGPROF to that thread (SIGEV_THREAD_ID) every
// period of CPU time the thread itself consumed. Unlike setitimer's
// process-directed SIGPROF, expirations of busy threads do not coalesce into
// one pending signal (golang/go#35057: 2,800 of 8,000 expected samples).
// When the kernel refuses a timer, the process-wide setitimer is the fallback.
#ifndef CPPROF_RUNTIME_CPU_TIMER_H_
#define CPPROF_RUNTIME_CPU_TIMER_H_

#include <sys/types.h>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

// sigev_value of cpprof's timers: a SIGPROF with SI_TIMER and another value
// belongs to someone else and is forwarded.
inline constexpr int kTimerCookie = 0x63707066;  // "cppf"

// Creates and arms a timer on thread tid's CPU clock; returns the kernel
// timer id or -1. The first expiry is random in (0, period] so threads that
// run for less than a period are still sampled in proportion (Go, #40435).
int ArmThreadTimer(pid_t tid, int hz);
void DeleteThreadTimer(int timer_id);

// Whether thread tid of this process has exited (tgkill with signal 0 finds
// no such thread), as opposed to the kernel refusing it a timer.
bool ThreadGone(pid_t tid);

// Process-wide ITIMER_PROF at hz, or off with hz = 0.
bool SetProcessTimer(int hz);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_CPU_TIMER_H_
