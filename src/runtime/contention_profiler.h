// The mutex and block profiles, with Go's semantics (runtime/mprof.go):
//   block: the waiter's stack, charged with the time it was blocked (a
//     contended pthread mutex or rwlock, a condition-variable wait). Events
//     of at least `rate` ns are all kept; shorter ones with probability
//     ns/rate and then count rate/ns times, delay rate (Go's bias removal).
//   mutex: the stack of the unlock that ended the critical section, charged
//     with the delay of the threads that waited for it (holding a lock 1 s
//     while 5 threads wait reports 5 s). One event in `fraction` is kept,
//     counted fraction times with fraction times the delay.
// Both are off (0) by default. "Cycles" are nanoseconds: the debug=1 text
// says cycles/second=1000000000.
//
// Waiters are tracked per mutex in a fixed table of 4096 slots hashed by
// address (a slot's spin lock is taken only on contended paths and by an
// unlock that finds waiters); a mutex whose slot is taken by another
// contended mutex is not tracked for the mutex profile (block still is).
//
// Thread-safe; all entry points are for the lock hooks and must not be
// re-entered (the hooks guard that with a thread-local flag).
#ifndef CPPROF_RUNTIME_CONTENTION_PROFILER_H_
#define CPPROF_RUNTIME_CONTENTION_PROFILER_H_

#include <cstdint>
#include <vector>

#include "runtime/labels.h"

namespace cpprof::runtime {

int64_t MutexProfileFraction();
int64_t BlockProfileRate();
// Go's SetMutexProfileFraction: negative only reads; returns the previous.
int64_t SetMutexProfileFractionInternal(int64_t fraction);
void SetBlockProfileRateInternal(int64_t ns);

// A contended acquisition of lock `m` starts at start_ns; returns a handle
// for WaitEnded (null when the mutex is not tracked).
void* WaitStarted(const void* m, int64_t start_ns);
void WaitEnded(void* handle, int64_t start_ns);
// Before unlocking m: charges the waiters' delay so far to the caller.
void ChargeUnlock(const void* m);
// A blocking event of ns nanoseconds by the caller (after it ended).
void RecordBlockEvent(int64_t ns);

struct ContentionRecord {
  std::vector<uintptr_t> pcs;
  const LabelSetData* labels = nullptr;
  int64_t count = 0;
  int64_t delay_ns = 0;
};

enum class ContentionKind { kMutex, kBlock };
std::vector<ContentionRecord> SnapshotContention(ContentionKind kind);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_CONTENTION_PROFILER_H_
