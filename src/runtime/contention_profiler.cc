// Tested by tests/runtime/contention_test.cc and the torture test.
#include "runtime/contention_profiler.h"

#include <pthread.h>

#include <map>
#include <mutex>
#include <utility>

#include "runtime/heap_sampler.h"
#include "runtime/spin_lock.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_registry.h"
#include "runtime/wait_state.h"

namespace cpprof::runtime {

namespace {

std::atomic<int64_t> g_mutex_fraction{0};
std::atomic<int64_t> g_block_rate{0};

struct Totals {
  double count = 0;  // Go keeps a float: a sampled short block counts rate/ns
  int64_t delay = 0;
};
using Key = std::pair<std::vector<uintptr_t>, const LabelSetData*>;

struct Table {
  SpinLock lock;
  std::map<Key, Totals>* entries = nullptr;  // created on first use, never freed
};
Table g_tables[2];  // indexed by ContentionKind

// Waiters of one contended mutex. charge = waiters * now - sum_start; after
// a charge every waiter's effective start is now, so the next unlocker is
// charged only with what came after.
struct WaitSlot {
  SpinLock lock;
  std::atomic<const void*> mutex{nullptr};
  std::atomic<int> waiters{0};
  int64_t sum_start = 0;
  int64_t last_charge = 0;
};
constexpr size_t kWaitSlots = 4096;
WaitSlot g_slots[kWaitSlots];

WaitSlot& SlotFor(const void* m) {
  return g_slots[(reinterpret_cast<uintptr_t>(m) >> 4) * 0x9e3779b97f4a7c15ULL >> 52];  // 12 bits
}

__thread uint64_t t_rng __attribute__((tls_model("initial-exec"))) = 0;

uint64_t Random() {
  if (t_rng == 0) t_rng = (static_cast<uint64_t>(CurrentTid()) * 0x9e3779b97f4a7c15ULL) | 1;
  t_rng ^= t_rng >> 12;
  t_rng ^= t_rng << 25;
  t_rng ^= t_rng >> 27;
  return t_rng * 0x2545f4914f6cdd1dULL;
}

void Save(ContentionKind kind, double count, int64_t delay) {
  NoSamplingScope no_heap_sampling;  // the table's allocations are cpprof's
  Key key;
  uintptr_t pcs[kMaxProfStackDepth];
  int n = CaptureStackOutsideRuntime(SelfStackBoundsIfRegistered(), pcs, kMaxProfStackDepth);
  key.first.assign(pcs, pcs + n);
  key.second = SelfLabelsIfRegistered();
  Table& t = g_tables[static_cast<int>(kind)];
  std::lock_guard lock(t.lock);
  if (t.entries == nullptr) t.entries = new std::map<Key, Totals>();
  Totals& v = (*t.entries)[std::move(key)];
  v.count += count;
  v.delay += delay;
}

// Either profile on sets the lock hooks' bit of the word they load.
void UpdateOn() { SetWaitObserver(kWaitObserverContention, g_mutex_fraction.load() > 0 || g_block_rate.load() > 0); }

void PrepareFork() {
  for (Table& t : g_tables) t.lock.lock();
}
void AfterForkInParent() {
  for (Table& t : g_tables) t.lock.unlock();
}

// Only the forking thread lives on in the child: the waiters recorded by
// the others never end, and a slot lock one of them held is never released.
void AfterForkInChild() {
  AfterForkInParent();
  for (WaitSlot& s : g_slots) {
    s.lock.unlock();
    s.waiters.store(0, std::memory_order_relaxed);
    s.sum_start = 0;
  }
}

__attribute__((constructor)) void RegisterForkHandlers() {
  NoSamplingScope scope;
  pthread_atfork(PrepareFork, AfterForkInParent, AfterForkInChild);
}

}  // namespace

int64_t MutexProfileFraction() { return g_mutex_fraction.load(std::memory_order_relaxed); }
int64_t BlockProfileRate() { return g_block_rate.load(std::memory_order_relaxed); }

int64_t SetMutexProfileFractionInternal(int64_t fraction) {
  int64_t old = g_mutex_fraction.load();
  if (fraction >= 0) g_mutex_fraction.store(fraction);
  UpdateOn();
  return old;
}

void SetBlockProfileRateInternal(int64_t ns) {
  g_block_rate.store(ns < 0 ? 0 : ns);
  UpdateOn();
}

void* WaitStarted(const void* m, int64_t start_ns) {
  if (MutexProfileFraction() <= 0) return nullptr;
  WaitSlot& s = SlotFor(m);
  std::lock_guard lock(s.lock);
  if (s.waiters.load(std::memory_order_relaxed) > 0 && s.mutex.load(std::memory_order_relaxed) != m) return nullptr;
  s.mutex.store(m, std::memory_order_relaxed);
  s.sum_start += start_ns;
  s.waiters.fetch_add(1, std::memory_order_release);
  return &s;
}

void WaitEnded(void* handle, int64_t start_ns) {
  if (handle == nullptr) return;
  auto& s = *static_cast<WaitSlot*>(handle);
  std::lock_guard lock(s.lock);
  s.sum_start -= start_ns > s.last_charge ? start_ns : s.last_charge;
  s.waiters.fetch_sub(1, std::memory_order_relaxed);
}

void ChargeUnlock(const void* m) {
  WaitSlot& s = SlotFor(m);
  if (s.waiters.load(std::memory_order_acquire) == 0 || s.mutex.load(std::memory_order_relaxed) != m) return;
  int64_t now = MonotonicNanos();
  int64_t delay;
  {
    std::lock_guard lock(s.lock);
    int64_t n = s.waiters.load(std::memory_order_relaxed);
    if (n == 0 || s.mutex.load(std::memory_order_relaxed) != m) return;
    delay = n * now - s.sum_start;
    s.sum_start = n * now;
    s.last_charge = now;
  }
  int64_t fraction = MutexProfileFraction();
  if (delay <= 0 || fraction <= 0 || Random() % static_cast<uint64_t>(fraction) != 0) return;
  Save(ContentionKind::kMutex, static_cast<double>(fraction), fraction * delay);
}

void RecordBlockEvent(int64_t ns) {
  int64_t rate = BlockProfileRate();
  if (ns <= 0) ns = 1;
  if (rate <= 0 || (rate > ns && static_cast<int64_t>(Random() % static_cast<uint64_t>(rate)) > ns)) return;
  if (ns < rate) {
    Save(ContentionKind::kBlock, static_cast<double>(rate) / static_cast<double>(ns), rate);
  } else {
    Save(ContentionKind::kBlock, 1, ns);
  }
}

std::vector<ContentionRecord> SnapshotContention(ContentionKind kind) {
  NoSamplingScope scope;
  std::vector<ContentionRecord> out;
  Table& t = g_tables[static_cast<int>(kind)];
  std::lock_guard lock(t.lock);
  if (t.entries == nullptr) return out;
  for (const auto& [key, v] : *t.entries) {
    out.push_back({key.first, key.second, static_cast<int64_t>(v.count), v.delay});
  }
  return out;
}

}  // namespace cpprof::runtime
