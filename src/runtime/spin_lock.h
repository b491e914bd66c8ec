// A spin lock for the runtime's interposition paths (malloc, pthread locks):
// never calls into pthread_mutex_lock, which cpprof interposes, nor futex
// paths a host may hook. Held only for short table operations; waiters yield.
// Fork: owners take their locks in a pthread_atfork prepare handler.
#ifndef CPPROF_RUNTIME_SPIN_LOCK_H_
#define CPPROF_RUNTIME_SPIN_LOCK_H_

#include <sched.h>

#include <atomic>

namespace cpprof::runtime {

class SpinLock {
 public:
  void lock() {
    while (flag_.test_and_set(std::memory_order_acquire)) sched_yield();
  }
  void unlock() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SPIN_LOCK_H_
