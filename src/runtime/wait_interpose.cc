// Blocking system calls and library waits interposed for the execution
// tracer and the wall-clock profiler (wait_state.h), classified as Go's
// tracer classifies a goroutine's blocking:
//   network: socket calls (recv*, send*, accept*, connect), epoll, and poll
//            or select over at least one socket;
//   syscall: read, write, pread, pwrite, readv, writev, fsync, fdatasync,
//            open, openat, waitpid, wait4, and poll or select over no
//            socket; read, write, readv and writev on a socket are network;
//   sleep:   nanosleep, clock_nanosleep, usleep, sleep;
//   sync:    pthread_join and semaphores (locks and condition variables are
//            lock_interpose.cc's).
// A socket is told by fstat's S_IFSOCK, called only when the answer is
// needed: at a wait's end when it lasted kWaitThresholdNs (5 us) and is
// traced, or at its start while a wall profile runs. So there is no per-fd
// cache to keep right across close, dup2 and fork; an fstat costs 0.3 us
// against a wait of at least 5.
//
// With no listener, a hook costs one relaxed load of g_wait_observers and a
// predicted branch before the real function, called through a cached
// pointer (bench/heap_overhead.sh measures it). errno is the real call's;
// the hooks take no lock (they may run in the program's signal handlers).
// _FORTIFY_SOURCE's checked variants (__read_chk, __recv_chk, __poll_chk,
// __open_2, ...: what Ubuntu's default -D_FORTIFY_SOURCE=2 compiles read,
// recv, poll and open into when it knows the buffer's size) are hooked as
// the calls they check. Calls made inside glibc (fread's read, getaddrinfo's
// poll) and raw syscall()s are not seen.
// Tested by tests/runtime/wait_hooks_test.cc and tests/runtime/wall_profile_test.cc.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "runtime/real_function.h"
#include "runtime/wait_state.h"

namespace cpprof::runtime {
namespace {

// Classifiers: called at most twice per observed call, never when no one
// listens.
auto Fixed(WaitKind kind) {
  return [kind] { return kind; };
}
auto ByFd(int fd) {
  return [fd] { return IsSocket(fd) ? WaitKind::kNetwork : WaitKind::kSyscall; };
}
auto ByPollFds(const pollfd* fds, nfds_t n) {
  return [fds, n] {
    for (nfds_t i = 0; i < n; ++i) {
      if (IsSocket(fds[i].fd)) return WaitKind::kNetwork;
    }
    return WaitKind::kSyscall;
  };
}
auto BySelectSets(int nfds, const fd_set* r, const fd_set* w, const fd_set* e) {
  return [=] {
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; ++fd) {
      bool in =
          (r != nullptr && FD_ISSET(fd, r)) || (w != nullptr && FD_ISSET(fd, w)) || (e != nullptr && FD_ISSET(fd, e));
      if (in && IsSocket(fd)) return WaitKind::kNetwork;
    }
    return WaitKind::kSyscall;
  };
}

// The observed path, out of line so that the hooks' fast path stays a load,
// a branch and a call through the cached pointer.
template <typename Classify, typename Call>
__attribute__((noinline)) auto Observed(uint32_t observers, const char* name, uint64_t object, Classify classify,
                                        Call call) {
  int entry_errno = errno;
  WaitKind kind = WaitKind::kNone;
  if (observers & kWaitObserverWall) {
    HookScope scope;
    kind = classify();
  }
  WaitRecord w = BeginWait(observers, kind, name, object);
  errno = entry_errno;
  auto rc = call();
  int call_errno = errno;
  int64_t end = MonotonicNanos();
  if (w.kind == WaitKind::kNone && (w.observers & kWaitObserverTrace) && end - w.start_ns >= kWaitThresholdNs) {
    HookScope scope;
    w.kind = classify();
  }
  EndWait(w, end, kWaitThresholdNs);
  errno = call_errno;
  return rc;
}

// The fast path's test: whether no one listens (or the hook is cpprof's own
// work), loading the listeners into observers for the observed path.
inline bool Unobserved(uint32_t& observers) {
  observers = g_wait_observers.load(std::memory_order_relaxed);
  return __builtin_expect((observers & kWaitObserverTimed) == 0, 1) || t_in_hook;
}

// open and openat take a mode only with O_CREAT or O_TMPFILE.
mode_t ModeArg(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? static_cast<mode_t>(va_arg(args, int)) : 0;
}

}  // namespace
}  // namespace cpprof::runtime

using namespace cpprof::runtime;  // NOLINT: the hooks below are extern "C"

// One hook: ret name(params), calling the real function with args, waiting
// on object (a descriptor, an address, 0), its kind from classify.
#define CPPROF_WAIT_HOOK(ret, name, params, args, object, classify)                                      \
  CPPROF_INTERPOSE ret name params {                                                                     \
    static std::atomic<ret(*) params> real;                                                              \
    auto fn = Real(real, #name);                                                                         \
    uint32_t observers;                                                                                  \
    if (Unobserved(observers)) return fn args;                                                           \
    return Observed(observers, #name, static_cast<uint64_t>(object), classify, [=] { return fn args; }); \
  }

CPPROF_WAIT_HOOK(ssize_t, recv, (int fd, void* buf, size_t n, int flags), (fd, buf, n, flags), fd,
                 Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, __recv_chk, (int fd, void* buf, size_t n, size_t size, int flags), (fd, buf, n, size, flags),
                 fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, __recvfrom_chk,
                 (int fd, void* buf, size_t n, size_t size, int flags, sockaddr* addr, socklen_t* len),
                 (fd, buf, n, size, flags, addr, len), fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, recvfrom, (int fd, void* buf, size_t n, int flags, sockaddr* addr, socklen_t* len),
                 (fd, buf, n, flags, addr, len), fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, recvmsg, (int fd, msghdr* msg, int flags), (fd, msg, flags), fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, send, (int fd, const void* buf, size_t n, int flags), (fd, buf, n, flags), fd,
                 Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, sendto, (int fd, const void* buf, size_t n, int flags, const sockaddr* addr, socklen_t len),
                 (fd, buf, n, flags, addr, len), fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(ssize_t, sendmsg, (int fd, const msghdr* msg, int flags), (fd, msg, flags), fd,
                 Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, accept, (int fd, sockaddr* addr, socklen_t* len), (fd, addr, len), fd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, accept4, (int fd, sockaddr* addr, socklen_t* len, int flags), (fd, addr, len, flags), fd,
                 Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, connect, (int fd, const sockaddr* addr, socklen_t len), (fd, addr, len), fd,
                 Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, epoll_wait, (int epfd, epoll_event* events, int max, int timeout), (epfd, events, max, timeout),
                 epfd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, epoll_pwait, (int epfd, epoll_event* events, int max, int timeout, const sigset_t* mask),
                 (epfd, events, max, timeout, mask), epfd, Fixed(WaitKind::kNetwork))
CPPROF_WAIT_HOOK(int, poll, (pollfd * fds, nfds_t n, int timeout), (fds, n, timeout), 0, ByPollFds(fds, n))
CPPROF_WAIT_HOOK(int, __poll_chk, (pollfd * fds, nfds_t n, int timeout, size_t size), (fds, n, timeout, size), 0,
                 ByPollFds(fds, n))
CPPROF_WAIT_HOOK(int, __ppoll_chk, (pollfd * fds, nfds_t n, const timespec* timeout, const sigset_t* mask, size_t size),
                 (fds, n, timeout, mask, size), 0, ByPollFds(fds, n))
CPPROF_WAIT_HOOK(int, ppoll, (pollfd * fds, nfds_t n, const timespec* timeout, const sigset_t* mask),
                 (fds, n, timeout, mask), 0, ByPollFds(fds, n))
CPPROF_WAIT_HOOK(int, select, (int nfds, fd_set* r, fd_set* w, fd_set* e, timeval* timeout), (nfds, r, w, e, timeout),
                 0, BySelectSets(nfds, r, w, e))
CPPROF_WAIT_HOOK(int, pselect,
                 (int nfds, fd_set* r, fd_set* w, fd_set* e, const timespec* timeout, const sigset_t* mask),
                 (nfds, r, w, e, timeout, mask), 0, BySelectSets(nfds, r, w, e))

CPPROF_WAIT_HOOK(ssize_t, read, (int fd, void* buf, size_t n), (fd, buf, n), fd, ByFd(fd))
CPPROF_WAIT_HOOK(ssize_t, __read_chk, (int fd, void* buf, size_t n, size_t size), (fd, buf, n, size), fd, ByFd(fd))
CPPROF_WAIT_HOOK(ssize_t, write, (int fd, const void* buf, size_t n), (fd, buf, n), fd, ByFd(fd))
CPPROF_WAIT_HOOK(ssize_t, readv, (int fd, const iovec* iov, int n), (fd, iov, n), fd, ByFd(fd))
CPPROF_WAIT_HOOK(ssize_t, writev, (int fd, const iovec* iov, int n), (fd, iov, n), fd, ByFd(fd))
CPPROF_WAIT_HOOK(ssize_t, pread, (int fd, void* buf, size_t n, off_t at), (fd, buf, n, at), fd,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(ssize_t, pread64, (int fd, void* buf, size_t n, off64_t at), (fd, buf, n, at), fd,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(ssize_t, __pread_chk, (int fd, void* buf, size_t n, off_t at, size_t size), (fd, buf, n, at, size), fd,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(ssize_t, __pread64_chk, (int fd, void* buf, size_t n, off64_t at, size_t size), (fd, buf, n, at, size),
                 fd, Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(ssize_t, pwrite, (int fd, const void* buf, size_t n, off_t at), (fd, buf, n, at), fd,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(ssize_t, pwrite64, (int fd, const void* buf, size_t n, off64_t at), (fd, buf, n, at), fd,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(int, fsync, (int fd), (fd), fd, Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(int, fdatasync, (int fd), (fd), fd, Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(pid_t, waitpid, (pid_t pid, int* status, int options), (pid, status, options), pid,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(pid_t, wait4, (pid_t pid, int* status, int options, rusage* usage), (pid, status, options, usage), pid,
                 Fixed(WaitKind::kSyscall))

CPPROF_WAIT_HOOK(int, nanosleep, (const timespec* t, timespec* left), (t, left), 0, Fixed(WaitKind::kSleep))
CPPROF_WAIT_HOOK(int, clock_nanosleep, (clockid_t clock, int flags, const timespec* t, timespec* left),
                 (clock, flags, t, left), 0, Fixed(WaitKind::kSleep))
CPPROF_WAIT_HOOK(int, usleep, (useconds_t us), (us), 0, Fixed(WaitKind::kSleep))
CPPROF_WAIT_HOOK(unsigned, sleep, (unsigned s), (s), 0, Fixed(WaitKind::kSleep))

CPPROF_WAIT_HOOK(int, pthread_join, (pthread_t t, void** result), (t, result), t, Fixed(WaitKind::kSync))
CPPROF_WAIT_HOOK(int, sem_wait, (sem_t * s), (s), reinterpret_cast<uintptr_t>(s), Fixed(WaitKind::kSync))
CPPROF_WAIT_HOOK(int, sem_timedwait, (sem_t * s, const timespec* deadline), (s, deadline),
                 reinterpret_cast<uintptr_t>(s), Fixed(WaitKind::kSync))
CPPROF_WAIT_HOOK(int, sem_clockwait, (sem_t * s, clockid_t clock, const timespec* deadline), (s, clock, deadline),
                 reinterpret_cast<uintptr_t>(s), Fixed(WaitKind::kSync))

// The opens (a FIFO's blocks until the other end opens) take a variadic mode.
#define CPPROF_OPEN_HOOK(name, params, args)                                                  \
  CPPROF_INTERPOSE int name params {                                                          \
    static std::atomic<int(*) params> real;                                                   \
    va_list va;                                                                               \
    va_start(va, flags);                                                                      \
    mode_t mode = ModeArg(flags, va);                                                         \
    va_end(va);                                                                               \
    auto fn = Real(real, #name);                                                              \
    uint32_t observers;                                                                       \
    if (Unobserved(observers)) return fn args;                                                \
    return Observed(observers, #name, 0, Fixed(WaitKind::kSyscall), [=] { return fn args; }); \
  }

CPPROF_OPEN_HOOK(open, (const char* path, int flags, ...), (path, flags, mode))
CPPROF_OPEN_HOOK(open64, (const char* path, int flags, ...), (path, flags, mode))
CPPROF_OPEN_HOOK(openat, (int dirfd, const char* path, int flags, ...), (dirfd, path, flags, mode))
CPPROF_OPEN_HOOK(openat64, (int dirfd, const char* path, int flags, ...), (dirfd, path, flags, mode))
// _FORTIFY_SOURCE's opens without a mode (flags not known at compile time).
CPPROF_WAIT_HOOK(int, __open_2, (const char* path, int flags), (path, flags), 0, Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(int, __open64_2, (const char* path, int flags), (path, flags), 0, Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(int, __openat_2, (int dirfd, const char* path, int flags), (dirfd, path, flags), 0,
                 Fixed(WaitKind::kSyscall))
CPPROF_WAIT_HOOK(int, __openat64_2, (int dirfd, const char* path, int flags), (dirfd, path, flags), 0,
                 Fixed(WaitKind::kSyscall))
