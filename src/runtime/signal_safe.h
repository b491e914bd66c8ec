// Marks and helpers for code that runs inside a signal handler.
//
// Every function reachable from the SIGPROF handler is declared with
// CPPROF_SIGNAL_SAFE and may call only other CPPROF_SIGNAL_SAFE functions,
// raw syscalls and lock-free atomics: no malloc, no locks, no stdio, no libdw,
// no libunwind. Reviewers grep for the mark.
#ifndef CPPROF_RUNTIME_SIGNAL_SAFE_H_
#define CPPROF_RUNTIME_SIGNAL_SAFE_H_

#include <sys/types.h>

#include <cstdint>

#define CPPROF_SIGNAL_SAFE /* async-signal-safe; calls only CPPROF_SIGNAL_SAFE code */

namespace cpprof::runtime {

// The kernel thread id, by raw syscall (glibc's gettid() is recent).
CPPROF_SIGNAL_SAFE pid_t CurrentTid();

// CLOCK_MONOTONIC in nanoseconds (vDSO: ~20 ns, no syscall).
CPPROF_SIGNAL_SAFE int64_t MonotonicNanos();

// Writes "cpprof: <message>\n" to stderr with one write(2); no allocation.
CPPROF_SIGNAL_SAFE void LogLine(const char* message);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SIGNAL_SAFE_H_
