// The registry of the process's threads: one ThreadState per thread, holding
// what the collectors need (tid, stack bounds, labels, CPU sample ring and
// timer). Threads register themselves when created through the interposed
// pthread_create (or lazily on first use of the API); threads that never did
// (created before cpprof loaded, or by raw clone) are added as "foreign"
// entries from /proc/self/task while a CPU profile runs.
//
// Thread-safety: the registry's mutex guards the list and every ThreadState
// field that is not atomic. The SIGPROF handler only reads atomics, through
// the thread's own TLS pointer or the lock-free tid table.
#ifndef CPPROF_RUNTIME_THREAD_REGISTRY_H_
#define CPPROF_RUNTIME_THREAD_REGISTRY_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "runtime/labels.h"
#include "runtime/sample_ring.h"
#include "runtime/signal_safe.h"
#include "runtime/stack_walk.h"
#include "runtime/wait_state.h"

namespace cpprof::runtime {

struct TraceThread;  // trace_recorder.cc

struct ThreadState {
  pid_t tid = 0;
  bool foreign = false;   // found in /proc, not registered by itself
  bool internal = false;  // cpprof's own threads: not sampled, not dumped
  bool exited = false;    // kept until the collector drained its ring
  std::atomic<uintptr_t> stack_lo{0};
  std::atomic<uintptr_t> stack_hi{0};
  std::atomic<const LabelSetData*> labels{nullptr};
  std::atomic<SampleRing*> ring{nullptr};    // only while a CPU profile runs
  std::atomic<int> timer{-1};                // kernel POSIX timer id, -1 if none
  std::atomic<TraceThread*> trace{nullptr};  // from its first trace until drained after exit
  // Of a thread created through pthread_create: its start routine and when
  // it started (CLOCK_MONOTONIC), so that a trace begun later still groups
  // it by start routine, as go tool trace groups goroutines. 0 if unknown.
  uintptr_t start_routine = 0;
  int64_t started_ns = 0;

  // Wait hooks and wall-clock profiler (wait_state.h): the hooked call the
  // thread is blocked in, published by the thread while a wall profile runs.
  CurrentWait wait;

  CPPROF_SIGNAL_SAFE StackBounds bounds() const {
    return {stack_lo.load(std::memory_order_relaxed), stack_hi.load(std::memory_order_relaxed)};
  }
};

class ThreadRegistry {
 public:
  static ThreadRegistry& Get();
  // The registry if it exists, without constructing it: for signal handlers.
  CPPROF_SIGNAL_SAFE static ThreadRegistry* GetIfCreated();

  // The calling thread's state, registering it first if needed (allocates);
  // null if registration failed.
  ThreadState* Self() noexcept;
  CPPROF_SIGNAL_SAFE ThreadState* SelfIfRegistered();
  // Signal-safe lookup by tid (own TLS first, then the tid table).
  CPPROF_SIGNAL_SAFE ThreadState* Find(pid_t tid);

  // Registers the calling thread, created by the interposed pthread_create
  // with the creator's labels; marks it internal when the creator was.
  void RegisterNewThread(const LabelSetData* labels, bool internal, void* (*start_routine)(void*) = nullptr) noexcept;
  // Marks the calling thread as cpprof's own and blocks SIGPROF in it.
  void MarkSelfInternal() noexcept;

  // Adds foreign entries for tids in /proc/self/task without one, and marks
  // foreign entries whose thread is gone as exited (out of the tid table at
  // once, so a reused tid gets a fresh entry). REQUIRES: mu() held.
  void RescanForeignThreadsLocked();

  std::mutex& mu() { return mu_; }
  // Calls fn for every entry; REQUIRES: mu() held.
  template <typename Fn>
  void ForEachLocked(Fn fn) {
    for (ThreadState* t : threads_) fn(t);
  }
  // Deletes the entries of exited threads whose rings are drained and freed.
  // Entries of live threads are never deleted: a thread-dump signal may be
  // reading its own entry at any time. REQUIRES: mu() held.
  void ReapLocked();

  // After fork, in the child: only the calling thread survives.
  void ResetInChild();

 private:
  ThreadRegistry();
  ThreadState* RegisterLocked(pid_t tid, bool foreign);
  void Unregister(ThreadState* t);
  static void OnThreadExit(void* state);

  std::mutex mu_;
  std::vector<ThreadState*> threads_;
  // tid -> state, one slot per possible tid (pid_max entries, 8 bytes each,
  // reserved with mmap so only pages holding live tids are ever touched).
  std::atomic<ThreadState*>* by_tid_ = nullptr;
  size_t by_tid_size_ = 0;
  unsigned exit_key_ = 0;  // pthread key whose destructor unregisters
  bool exit_key_ok_ = false;
};

// While alive, threads created by the calling thread are cpprof's own
// (the CPU collector, the HTTP server): not sampled, dumped or counted.
class InternalThreadScope {
 public:
  InternalThreadScope();
  ~InternalThreadScope();
  InternalThreadScope(const InternalThreadScope&) = delete;
  InternalThreadScope& operator=(const InternalThreadScope&) = delete;
  static bool active();
};

// The calling thread's labels, without registering it (for malloc and lock
// hooks, which must not allocate a registry entry); null when unlabelled.
inline const LabelSetData* SelfLabelsIfRegistered() {
  ThreadRegistry* reg = ThreadRegistry::GetIfCreated();
  ThreadState* t = reg != nullptr ? reg->SelfIfRegistered() : nullptr;
  return t != nullptr ? t->labels.load(std::memory_order_relaxed) : nullptr;
}

// The calling thread's stack bounds, without registering it (for malloc and
// lock hooks); unknown for a thread cpprof has not seen.
inline StackBounds SelfStackBoundsIfRegistered() {
  ThreadRegistry* reg = ThreadRegistry::GetIfCreated();
  ThreadState* t = reg != nullptr ? reg->SelfIfRegistered() : nullptr;
  return t != nullptr ? t->bounds() : StackBounds{};
}

// Stack bounds of the mapping containing address sp, from /proc/self/maps.
StackBounds MappingAround(uintptr_t sp);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_THREAD_REGISTRY_H_
