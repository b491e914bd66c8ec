// What /proc says a thread is blocked in: the system call of
// /proc/self/task/<tid>/syscall ("<nr> <args...>", or "running"). For waits
// no hook timed: a call entered before a trace or a wall profile started.
// Reading it sends the thread nothing (no signal, so no EINTR).
#ifndef CPPROF_RUNTIME_BLOCKED_CALL_H_
#define CPPROF_RUNTIME_BLOCKED_CALL_H_

#include <sys/types.h>

#include <cstdint>

#include "runtime/wait_state.h"

namespace cpprof::runtime {

// The system call number thread tid is in, and its first argument; false
// when it runs (or /proc cannot say).
bool SyscallOf(pid_t tid, long* nr, uint64_t* arg0);

struct BlockedCall {
  WaitKind kind = WaitKind::kNone;
  const char* call = nullptr;  // the system call's name (a literal)
  uint64_t object = 0;         // its file descriptor, 0 when it has none
};

// The wait thread tid is in, classified as the wait hooks classify their
// calls (a read on a socket is network, poll and epoll are network, futex is
// sync); false when it runs or its call is not a wait the hooks know.
bool BlockedCallOf(pid_t tid, BlockedCall* out);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_BLOCKED_CALL_H_
