// pthread mutex, rwlock and condition-variable interposition (std::mutex,
// std::shared_mutex and std::condition_variable call these; wait_for and
// wait_until go to pthread_cond_clockwait) for the mutex and block profiles
// of contention_profiler.h, the execution tracer's sync waits and the wall
// profiler's `sync` state (wait_state.h).
//
// With no listener (the default), a lock or unlock costs one relaxed load of
// g_wait_observers and a predicted branch before the real function, called
// through a pointer. With one, an acquisition first tries the lock:
// uncontended it returns at once; contended it timestamps, registers as a
// waiter, blocks in the real function and records the block event, and the
// tracer gets the same two timestamps, so that a trace's sync waits and the
// block profile at rate 1 agree. An unlock charges the waiters' delay to its
// stack (Go's mutex semantics) when its mutex has waiters.
//
// The profiler's own locking (stack unwinding, its tables) never re-enters
// the hooks: a thread-local flag (t_in_hook, wait_state.h) sends it straight
// to the real functions.
// Tested by tests/runtime/contention_test.cc, tests/runtime/wall_profile_test.cc and the torture test.
#include <errno.h>
#include <pthread.h>

#include <atomic>

#include "runtime/contention_profiler.h"
#include "runtime/real_function.h"
#include "runtime/signal_safe.h"
#include "runtime/wait_state.h"

namespace cpprof::runtime {
namespace {

#if defined(__x86_64__)
constexpr const char kCondVersion[] = "GLIBC_2.3.2";
#elif defined(__aarch64__)
constexpr const char kCondVersion[] = "GLIBC_2.17";
#else
constexpr const char* kCondVersion = nullptr;
#endif

using LockFn = int (*)(void*);
std::atomic<LockFn> g_mutex_lock, g_mutex_trylock, g_mutex_unlock;
std::atomic<LockFn> g_rd_lock, g_rd_trylock, g_wr_lock, g_wr_trylock, g_rw_unlock;
std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*)> g_cond_wait;
std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*)> g_cond_timedwait;
std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*)> g_cond_clockwait;

// A wait that blocked, timed from start to its end: for the block profile
// and the tracer, and withdrawn from the wall profiler's view.
void Blocked(const WaitRecord& w) {
  int64_t end = MonotonicNanos();
  HookScope scope;
  if (w.observers & kWaitObserverContention) RecordBlockEvent(end - w.start_ns);
  EndWait(w, end, 0);
}

// A wait that always blocks (a condition variable): timed when observed.
template <typename Wait>
int Blocking(const void* object, const char* call, Wait wait) {
  uint32_t observers = g_wait_observers.load(std::memory_order_relaxed);
  if (__builtin_expect(observers == 0, 1) || t_in_hook) return wait();
  WaitRecord w = BeginWait(observers, WaitKind::kSync, call, reinterpret_cast<uintptr_t>(object));
  int rc = wait();
  Blocked(w);
  return rc;
}

// A contended acquisition: try first, then wait in the real lock.
__attribute__((noinline)) int AcquireObserved(uint32_t observers, void* m, LockFn lock, LockFn trylock,
                                              const char* call) {
  if (t_in_hook) return lock(m);
  int rc = trylock(m);
  if (rc != EBUSY) return rc;
  WaitRecord w = BeginWait(observers, WaitKind::kSync, call, reinterpret_cast<uintptr_t>(m));
  void* waiter = (observers & kWaitObserverContention) ? WaitStarted(m, w.start_ns) : nullptr;
  rc = lock(m);
  WaitEnded(waiter, w.start_ns);
  Blocked(w);
  return rc;
}

int Acquire(void* m, std::atomic<LockFn>& lock, const char* lock_name, std::atomic<LockFn>& trylock,
            const char* trylock_name) {
  LockFn real = Real(lock, lock_name);
  uint32_t observers = g_wait_observers.load(std::memory_order_relaxed);
  if (__builtin_expect(observers == 0, 1)) return real(m);
  return AcquireObserved(observers, m, real, Real(trylock, trylock_name), lock_name);
}

int Release(void* m, std::atomic<LockFn>& unlock, const char* name) {
  if (__builtin_expect(g_wait_observers.load(std::memory_order_relaxed) & kWaitObserverContention, 0) && !t_in_hook) {
    HookScope scope;
    ChargeUnlock(m);
  }
  return Real(unlock, name)(m);
}

}  // namespace
}  // namespace cpprof::runtime

using namespace cpprof::runtime;  // NOLINT: the hooks below are extern "C"

CPPROF_INTERPOSE int pthread_mutex_lock(pthread_mutex_t* m) {
  return Acquire(m, g_mutex_lock, "pthread_mutex_lock", g_mutex_trylock, "pthread_mutex_trylock");
}

CPPROF_INTERPOSE int pthread_mutex_unlock(pthread_mutex_t* m) {
  return Release(m, g_mutex_unlock, "pthread_mutex_unlock");
}

CPPROF_INTERPOSE int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  return Acquire(l, g_rd_lock, "pthread_rwlock_rdlock", g_rd_trylock, "pthread_rwlock_tryrdlock");
}

CPPROF_INTERPOSE int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  return Acquire(l, g_wr_lock, "pthread_rwlock_wrlock", g_wr_trylock, "pthread_rwlock_trywrlock");
}

CPPROF_INTERPOSE int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  return Release(l, g_rw_unlock, "pthread_rwlock_unlock");
}

CPPROF_INTERPOSE int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  auto real = Real(g_cond_wait, "pthread_cond_wait", kCondVersion);
  return Blocking(c, "pthread_cond_wait", [&] { return real(c, m); });
}

CPPROF_INTERPOSE int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* deadline) {
  auto real = Real(g_cond_timedwait, "pthread_cond_timedwait", kCondVersion);
  return Blocking(c, "pthread_cond_timedwait", [&] { return real(c, m, deadline); });
}

// What std::condition_variable::wait_for uses (steady clock, glibc >= 2.30).
CPPROF_INTERPOSE int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                            const timespec* deadline) {
  auto real = Real(g_cond_clockwait, "pthread_cond_clockwait");
  if (real == nullptr) return ENOSYS;
  return Blocking(c, "pthread_cond_clockwait", [&] { return real(c, m, clock, deadline); });
}
