// Tested by tests/runtime/named_profiles_test.cc and tests/runtime/torture_test.cc.
#include "runtime/thread_registry.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "runtime/cpu_profiler.h"
#include "runtime/heap_sampler.h"
#include "runtime/trace_recorder.h"

namespace cpprof::runtime {
namespace {

// initial-exec: a plain %fs-relative load, safe in a signal handler (the
// general-dynamic model may call __tls_get_addr, which can allocate).
__thread ThreadState* tls_self __attribute__((tls_model("initial-exec"))) = nullptr;
__thread bool tls_creating_internal __attribute__((tls_model("initial-exec"))) = false;

size_t PidMax() {
  size_t pid_max = 1 << 22;  // the kernel's upper limit, PID_MAX_LIMIT on 64-bit
  if (FILE* f = std::fopen("/proc/sys/kernel/pid_max", "r")) {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1 && v > 0 && v <= pid_max) pid_max = v;
    std::fclose(f);
  }
  return pid_max + 1;
}

StackBounds OwnStackBounds() {
  StackBounds b;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
    b.lo = reinterpret_cast<uintptr_t>(addr);
    b.hi = b.lo + size;
  }
  pthread_attr_destroy(&attr);
  return b;
}

void BlockSigprof() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPROF);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// Fork: the child keeps only the forking thread, no timers and no profile in
// progress (POSIX timers are not inherited; the output belongs to the parent).
void PrepareFork() { ThreadRegistry::Get().mu().lock(); }
void ParentAfterFork() { ThreadRegistry::Get().mu().unlock(); }
void ChildAfterFork() {
  CpuProfiler::Get().ResetInChild();
  ThreadRegistry::Get().ResetInChild();
  TraceResetInChild();
}

}  // namespace

std::atomic<ThreadRegistry*> g_registry{nullptr};

ThreadRegistry& ThreadRegistry::Get() {
  static ThreadRegistry* registry = [] {
    auto* r = new ThreadRegistry;  // immortal: threads outlive statics
    g_registry.store(r, std::memory_order_release);
    return r;
  }();
  return *registry;
}

ThreadRegistry* ThreadRegistry::GetIfCreated() { return g_registry.load(std::memory_order_acquire); }

ThreadRegistry::ThreadRegistry() {
  size_t n = PidMax();
  void* p = mmap(nullptr, n * sizeof(std::atomic<ThreadState*>), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p != MAP_FAILED) {
    by_tid_ = static_cast<std::atomic<ThreadState*>*>(p);
    by_tid_size_ = n;
  }
  pthread_key_t key;
  if (pthread_key_create(&key, &ThreadRegistry::OnThreadExit) == 0) {
    exit_key_ = key;
    exit_key_ok_ = true;
  }
  pthread_atfork(PrepareFork, ParentAfterFork, ChildAfterFork);
}

ThreadState* ThreadRegistry::SelfIfRegistered() { return tls_self; }

ThreadState* ThreadRegistry::Find(pid_t tid) {
  if (tls_self != nullptr && tls_self->tid == tid) return tls_self;
  if (by_tid_ == nullptr || tid <= 0 || static_cast<size_t>(tid) >= by_tid_size_) return nullptr;
  return by_tid_[tid].load(std::memory_order_acquire);
}

ThreadState* ThreadRegistry::RegisterLocked(pid_t tid, bool foreign) {
  ThreadState* t = new (std::nothrow) ThreadState;
  if (t == nullptr) return nullptr;
  t->tid = tid;
  t->foreign = foreign;
  threads_.push_back(t);
  if (by_tid_ != nullptr && static_cast<size_t>(tid) < by_tid_size_) by_tid_[tid].store(t, std::memory_order_release);
  return t;
}

ThreadState* ThreadRegistry::Self() noexcept {
  if (tls_self != nullptr) return tls_self;
  RegisterNewThread(nullptr, false);
  return tls_self;
}

void ThreadRegistry::RegisterNewThread(const LabelSetData* labels, bool internal,
                                       void* (*start_routine)(void*)) noexcept {
  pid_t tid = CurrentTid();
  StackBounds b = OwnStackBounds();
  std::lock_guard lock(mu_);
  try {
    ThreadState* t = Find(tid);
    if (t != nullptr && !t->foreign) t = nullptr;  // a stale entry of a reused tid
    if (t == nullptr) t = RegisterLocked(tid, false);
    if (t == nullptr) return;
    t->foreign = false;
    t->internal = internal;
    if (internal) StopSamplingThisThread();  // cpprof's own threads' allocations are never sampled
    t->stack_lo.store(b.lo, std::memory_order_relaxed);
    t->stack_hi.store(b.hi, std::memory_order_relaxed);
    t->labels.store(labels, std::memory_order_relaxed);
    t->start_routine = reinterpret_cast<uintptr_t>(start_routine);
    t->started_ns = MonotonicNanos();
    tls_self = t;
    if (exit_key_ok_) pthread_setspecific(exit_key_, t);
    if (internal) {
      BlockSigprof();
      TraceThreadGoneLocked(t);  // found by a rescan before it registered: not the host's
    } else {
      CpuProfiler::Get().ThreadStartedLocked(t);
      TraceThreadRegisteredLocked(t);
    }
  } catch (...) {
  }
}

void ThreadRegistry::MarkSelfInternal() noexcept {
  ThreadState* t = Self();
  BlockSigprof();
  StopSamplingThisThread();
  if (t == nullptr) return;
  std::lock_guard lock(mu_);
  t->internal = true;
  CpuProfiler::Get().ThreadExitingLocked(t);
  TraceThreadGoneLocked(t);
}

void ThreadRegistry::OnThreadExit(void* state) { Get().Unregister(static_cast<ThreadState*>(state)); }

void ThreadRegistry::Unregister(ThreadState* t) {
  TraceThreadExiting(t);
  // Blocked first, so no SIGPROF can reach the handler after the state is
  // gone; a pending one is discarded when the thread exits.
  BlockSigprof();
  std::lock_guard lock(mu_);
  CpuProfiler::Get().ThreadExitingLocked(t);
  TraceThreadGoneLocked(t);
  if (by_tid_ != nullptr && static_cast<size_t>(t->tid) < by_tid_size_) {
    ThreadState* expected = t;
    by_tid_[t->tid].compare_exchange_strong(expected, nullptr);
  }
  tls_self = nullptr;
  t->exited = true;
  if (t->ring.load(std::memory_order_relaxed) == nullptr && t->trace.load(std::memory_order_relaxed) == nullptr) {
    ReapLocked();
  }
}

void ThreadRegistry::ReapLocked() {
  auto dead = [&](ThreadState* t) {
    if (!t->exited) return false;
    if (t->ring.load(std::memory_order_relaxed) != nullptr) return false;
    if (t->trace.load(std::memory_order_relaxed) != nullptr) return false;  // the trace flusher drains it first
    if (by_tid_ != nullptr && static_cast<size_t>(t->tid) < by_tid_size_) {
      ThreadState* expected = t;
      by_tid_[t->tid].compare_exchange_strong(expected, nullptr);
    }
    delete t;
    return true;
  };
  threads_.erase(std::remove_if(threads_.begin(), threads_.end(), dead), threads_.end());
}

void ThreadRegistry::RescanForeignThreadsLocked() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return;
  std::vector<pid_t> live;
  while (dirent* e = readdir(dir)) {
    pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    if (tid > 0) live.push_back(tid);
  }
  closedir(dir);
  std::sort(live.begin(), live.end());
  for (ThreadState* t : threads_) {
    if (!t->foreign || t->exited || std::binary_search(live.begin(), live.end(), t->tid)) continue;
    CpuProfiler::Get().ThreadExitingLocked(t);
    TraceThreadGoneLocked(t);
    ThreadState* expected = t;
    if (by_tid_ != nullptr && static_cast<size_t>(t->tid) < by_tid_size_) {
      by_tid_[t->tid].compare_exchange_strong(expected, nullptr);
    }
    t->exited = true;
  }
  for (pid_t tid : live) {
    if (Find(tid) != nullptr) continue;
    ThreadState* t = RegisterLocked(tid, true);
    if (t == nullptr) continue;
    CpuProfiler::Get().ThreadStartedLocked(t);
    TraceThreadRegisteredLocked(t);
  }
  ReapLocked();
}

void ThreadRegistry::ResetInChild() {
  // Other threads' states are unreachable now; their memory is left alone
  // because another thread may have been inside the allocator at fork time.
  new (&mu_) std::mutex;
  ThreadState* self = tls_self;
  for (ThreadState* t : threads_) {
    if (by_tid_ != nullptr && static_cast<size_t>(t->tid) < by_tid_size_) by_tid_[t->tid].store(nullptr);
  }
  threads_.clear();
  if (self != nullptr) {
    self->tid = CurrentTid();
    self->ring.store(nullptr);
    self->timer.store(-1);
    threads_.push_back(self);
    if (by_tid_ != nullptr && static_cast<size_t>(self->tid) < by_tid_size_) by_tid_[self->tid].store(self);
  }
}

InternalThreadScope::InternalThreadScope() { tls_creating_internal = true; }
InternalThreadScope::~InternalThreadScope() { tls_creating_internal = false; }
bool InternalThreadScope::active() { return tls_creating_internal; }

StackBounds MappingAround(uintptr_t sp) {
  StackBounds b;
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (f == nullptr) return b;
  char line[512];
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    uintptr_t lo = 0, hi = 0;
    if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2 && lo <= sp && sp < hi) {
      b = {lo, hi};
      break;
    }
  }
  std::fclose(f);
  return b;
}

}  // namespace cpprof::runtime
