#include "runtime/blocked_call.h"

#include <sys/syscall.h>

#include <cstdlib>

#include "runtime/process_stat.h"

namespace cpprof::runtime {
namespace {

enum class Object : uint8_t { kNone, kFd };

struct KnownCall {
  long nr;
  const char* name;
  WaitKind kind;  // kSyscall: network when the fd is a socket
  Object object;
};

// The blocking calls of wait_interpose.cc and lock_interpose.cc, by number
// (x86-64 and aarch64 share these names; the #ifdefs are the calls aarch64
// lacks).
constexpr KnownCall kKnownCalls[] = {
    {SYS_read, "read", WaitKind::kSyscall, Object::kFd},
    {SYS_write, "write", WaitKind::kSyscall, Object::kFd},
    {SYS_readv, "readv", WaitKind::kSyscall, Object::kFd},
    {SYS_writev, "writev", WaitKind::kSyscall, Object::kFd},
    {SYS_pread64, "pread64", WaitKind::kSyscall, Object::kFd},
    {SYS_pwrite64, "pwrite64", WaitKind::kSyscall, Object::kFd},
    {SYS_fsync, "fsync", WaitKind::kSyscall, Object::kFd},
    {SYS_fdatasync, "fdatasync", WaitKind::kSyscall, Object::kFd},
    {SYS_openat, "openat", WaitKind::kSyscall, Object::kNone},
    {SYS_wait4, "wait4", WaitKind::kSyscall, Object::kNone},
    {SYS_waitid, "waitid", WaitKind::kSyscall, Object::kNone},
    {SYS_recvfrom, "recvfrom", WaitKind::kNetwork, Object::kFd},
    {SYS_recvmsg, "recvmsg", WaitKind::kNetwork, Object::kFd},
    {SYS_sendto, "sendto", WaitKind::kNetwork, Object::kFd},
    {SYS_sendmsg, "sendmsg", WaitKind::kNetwork, Object::kFd},
    {SYS_accept, "accept", WaitKind::kNetwork, Object::kFd},
    {SYS_accept4, "accept4", WaitKind::kNetwork, Object::kFd},
    {SYS_connect, "connect", WaitKind::kNetwork, Object::kFd},
    {SYS_ppoll, "ppoll", WaitKind::kNetwork, Object::kNone},
    {SYS_pselect6, "pselect6", WaitKind::kNetwork, Object::kNone},
    {SYS_epoll_pwait, "epoll_pwait", WaitKind::kNetwork, Object::kFd},
#ifdef SYS_poll
    {SYS_poll, "poll", WaitKind::kNetwork, Object::kNone},
#endif
#ifdef SYS_select
    {SYS_select, "select", WaitKind::kNetwork, Object::kNone},
#endif
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", WaitKind::kNetwork, Object::kFd},
#endif
#ifdef SYS_epoll_pwait2
    {SYS_epoll_pwait2, "epoll_pwait2", WaitKind::kNetwork, Object::kFd},
#endif
    {SYS_nanosleep, "nanosleep", WaitKind::kSleep, Object::kNone},
    {SYS_clock_nanosleep, "clock_nanosleep", WaitKind::kSleep, Object::kNone},
    // A futex wait is a mutex, a condition variable, a join or a semaphore
    // (or a C++20 atomic wait, which no hook sees).
    {SYS_futex, "futex", WaitKind::kSync, Object::kNone},
};

}  // namespace

bool SyscallOf(pid_t tid, long* nr, uint64_t* arg0) {
  char buf[64];
  if (ReadTaskFile(tid, "syscall", buf, sizeof(buf)) <= 0) return false;
  char* end = nullptr;
  *nr = std::strtol(buf, &end, 10);
  if (end == buf) return false;  // "running"
  *arg0 = std::strtoull(end, nullptr, 16);
  return true;
}

bool BlockedCallOf(pid_t tid, BlockedCall* out) {
  long nr = 0;
  uint64_t arg0 = 0;
  if (!SyscallOf(tid, &nr, &arg0)) return false;
  for (const KnownCall& c : kKnownCalls) {
    if (c.nr != nr) continue;
    out->kind = c.kind == WaitKind::kSyscall && c.object == Object::kFd && IsSocket(static_cast<int>(arg0))
                    ? WaitKind::kNetwork
                    : c.kind;
    out->call = c.name;
    out->object = c.object == Object::kFd ? arg0 : 0;
    return true;
  }
  return false;
}

}  // namespace cpprof::runtime
