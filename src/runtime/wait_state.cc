// Tested by tests/runtime/wall_profile_test.cc and tests/runtime/wait_hooks_test.cc.
#include "runtime/wait_state.h"

#include <sys/stat.h>

#include "runtime/thread_registry.h"
#include "runtime/trace_recorder.h"
#include "trace/trace_format.h"

namespace cpprof::runtime {

std::atomic<uint32_t> g_wait_observers{0};
__thread bool t_in_hook __attribute__((tls_model("initial-exec"))) = false;

const char* WaitKindName(WaitKind kind) {
  switch (kind) {
    case WaitKind::kSync: return trace::kStateSync;
    case WaitKind::kNetwork: return trace::kStateNetwork;
    case WaitKind::kSyscall: return trace::kStateSyscall;
    case WaitKind::kSleep: return trace::kStateSleep;
    case WaitKind::kNone: break;
  }
  return "running";
}

bool IsSocket(int fd) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void SetWaitObserver(uint32_t bit, bool on) {
  if (on) {
    g_wait_observers.fetch_or(bit, std::memory_order_relaxed);
  } else {
    g_wait_observers.fetch_and(~bit, std::memory_order_relaxed);
  }
}

bool ReadCurrentWait(const CurrentWait& w, WaitSnapshot* out) {
  // Three tries: a thread rewrites its slot at most once per hooked call, so
  // two failures in a row mean calls every few hundred nanoseconds, which
  // the sampler may as well count as running.
  for (int attempt = 0; attempt < 3; ++attempt) {
    uint32_t before = w.seq.load(std::memory_order_acquire);
    if (before & 1) continue;
    out->kind = w.kind.load(std::memory_order_relaxed);
    out->call = w.call.load(std::memory_order_relaxed);
    out->object = w.object.load(std::memory_order_relaxed);
    out->start_ns = w.start_ns.load(std::memory_order_relaxed);
    out->depth = w.depth.load(std::memory_order_relaxed);
    if (out->depth < 0 || out->depth > kMaxStackDepth) out->depth = 0;
    for (int i = 0; i < out->depth; ++i) out->pcs[i] = w.pcs[i].load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (w.seq.load(std::memory_order_relaxed) == before) return true;
  }
  return false;
}

namespace {

// The calling thread's entry: its own, or the foreign one a profile's scan
// of /proc/self/task made for a thread created before cpprof loaded.
ThreadState* SelfState() {
  ThreadRegistry* reg = ThreadRegistry::GetIfCreated();
  if (reg == nullptr) return nullptr;
  ThreadState* t = reg->SelfIfRegistered();
  return t != nullptr ? t : reg->Find(CurrentTid());
}

// The writer's half of the seqlock; only the owning thread writes.
template <typename Write>
void WriteSlot(CurrentWait& w, Write write) {
  uint32_t seq = w.seq.load(std::memory_order_relaxed);
  w.seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  write();
  w.seq.store(seq + 2, std::memory_order_release);
}

}  // namespace

WaitRecord BeginWait(uint32_t observers, WaitKind kind, const char* call, uint64_t object) {
  ThreadState* self = (observers & kWaitObserverTimed) ? SelfState() : nullptr;
  WaitRecord r{observers, kind, call, object, 0, self, nullptr};
  if (self != nullptr && self->internal) r.observers &= ~kWaitObserverTimed;
  if ((r.observers & kWaitObserverWall) && self != nullptr &&
      self->wait.kind.load(std::memory_order_relaxed) == WaitKind::kNone) {
    HookScope scope;
    uintptr_t pcs[kMaxStackDepth];
    int n = CaptureStackOutsideRuntime(self->bounds(), pcs, kMaxStackDepth);
    r.slot = &self->wait;
    r.start_ns = MonotonicNanos();
    WriteSlot(self->wait, [&] {
      self->wait.call.store(call, std::memory_order_relaxed);
      self->wait.object.store(object, std::memory_order_relaxed);
      self->wait.start_ns.store(r.start_ns, std::memory_order_relaxed);
      self->wait.depth.store(n, std::memory_order_relaxed);
      for (int i = 0; i < n; ++i) self->wait.pcs[i].store(pcs[i], std::memory_order_relaxed);
      self->wait.kind.store(kind, std::memory_order_relaxed);
    });
    return r;
  }
  r.start_ns = MonotonicNanos();
  return r;
}

void EndWait(const WaitRecord& w, int64_t end_ns, int64_t min_ns) {
  if (w.slot != nullptr) {
    WriteSlot(*w.slot, [&] { w.slot->kind.store(WaitKind::kNone, std::memory_order_relaxed); });
  }
  if ((w.observers & kWaitObserverTrace) && w.self != nullptr && end_ns - w.start_ns >= min_ns) {
    HookScope scope;
    TraceWait(w.self, w.kind, w.call, w.object, w.start_ns, end_ns);
  }
}

}  // namespace cpprof::runtime
