// pthread mutex, rwlock and condition-variable interposition (std::mutex,
// std::shared_mutex and std::condition_variable call these; wait_for and
// wait_until go to pthread_cond_clockwait) for the mutex
// and block profiles of contention_profiler.h.
//
// Off (the default), a lock or unlock costs one relaxed load and a
// predicted branch before the real function, called through a pointer.
// On, an acquisition first tries the lock: uncontended it returns at once;
// contended it timestamps, registers as a waiter, blocks in the real
// function and records the block event. An unlock charges the waiters' delay
// to its stack (Go's mutex semantics) when its mutex has waiters.
//
// The profiler's own locking (stack unwinding, its tables) never re-enters
// the hooks: a thread-local flag sends it straight to the real functions.
// Tested by tests/runtime/contention_test.cc and the torture test.
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include <atomic>

#include "runtime/contention_profiler.h"
#include "runtime/signal_safe.h"

namespace cpprof::runtime {
namespace {

__thread bool t_in_hook __attribute__((tls_model("initial-exec"))) = false;

// A real function looked up on first use (any thread may race to store the
// same value). pthread_cond_* exist in two versions in glibc; an unversioned
// dlsym may return the 2002 one, whose condvar layout differs.
template <typename Fn>
Fn Real(std::atomic<Fn>& slot, const char* name, const char* version = nullptr) {
  Fn fn = slot.load(std::memory_order_relaxed);
  if (__builtin_expect(fn != nullptr, 1)) return fn;
  void* sym = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (sym == nullptr) sym = dlsym(RTLD_NEXT, name);
  fn = reinterpret_cast<Fn>(sym);
  slot.store(fn, std::memory_order_relaxed);
  return fn;
}

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

class HookScope {
 public:
  HookScope() { t_in_hook = true; }
  ~HookScope() { t_in_hook = false; }
};

// A wait that always blocks (a condition variable): timed when profiling.
template <typename Wait>
int Blocking(Wait wait) {
  if (__builtin_expect(!g_contention_on.load(std::memory_order_relaxed), 1) || t_in_hook) return wait();
  int64_t start = MonotonicNanos();
  int rc = wait();
  int64_t end = MonotonicNanos();
  HookScope scope;
  RecordBlockEvent(end - start);
  return rc;
}

// A contended acquisition: try first, then wait in the real lock.
__attribute__((noinline)) int AcquireProfiled(void* m, LockFn lock, LockFn trylock) {
  if (t_in_hook) return lock(m);
  int rc = trylock(m);
  if (rc != EBUSY) return rc;
  int64_t start = MonotonicNanos();
  void* waiter = WaitStarted(m, start);
  rc = lock(m);
  int64_t end = MonotonicNanos();
  WaitEnded(waiter, start);
  HookScope scope;
  RecordBlockEvent(end - start);
  return rc;
}

int Acquire(void* m, std::atomic<LockFn>& lock, const char* lock_name, std::atomic<LockFn>& trylock,
            const char* trylock_name) {
  LockFn real = Real(lock, lock_name);
  if (__builtin_expect(!g_contention_on.load(std::memory_order_relaxed), 1)) return real(m);
  return AcquireProfiled(m, real, Real(trylock, trylock_name));
}

int Release(void* m, std::atomic<LockFn>& unlock, const char* name) {
  if (__builtin_expect(g_contention_on.load(std::memory_order_relaxed), 0) && !t_in_hook) {
    HookScope scope;
    ChargeUnlock(m);
  }
  return Real(unlock, name)(m);
}

}  // namespace
}  // namespace cpprof::runtime

using namespace cpprof::runtime;  // NOLINT: the hooks below are extern "C"

#define CPPROF_INTERPOSE extern "C" __attribute__((visibility("default")))

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
  return Blocking([&] { return real(c, m); });
}

CPPROF_INTERPOSE int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* deadline) {
  auto real = Real(g_cond_timedwait, "pthread_cond_timedwait", kCondVersion);
  return Blocking([&] { return real(c, m, deadline); });
}

// What std::condition_variable::wait_for uses (steady clock, glibc >= 2.30).
CPPROF_INTERPOSE int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                            const timespec* deadline) {
  auto real = Real(g_cond_clockwait, "pthread_cond_clockwait");
  if (real == nullptr) return ENOSYS;
  return Blocking([&] { return real(c, m, clock, deadline); });
}
