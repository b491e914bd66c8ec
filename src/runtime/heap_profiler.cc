// Tested by tests/runtime/heap_profile_test.cc and the torture test.
#include "runtime/heap_profiler.h"

#include <pthread.h>
#include <sys/mman.h>

#include <time.h>

#include <atomic>
#include <cstring>
#include <unordered_map>

#include "runtime/heap_sampler.h"
#include "runtime/spin_lock.h"

namespace cpprof::runtime {
namespace {

struct Bucket {
  std::vector<uintptr_t> pcs;
  const LabelSetData* labels;
  int64_t size;
  std::atomic<int64_t> allocs{0};
  std::atomic<int64_t> frees{0};
};

struct BucketKey {
  const uintptr_t* pcs;
  int depth;
  const LabelSetData* labels;
  int64_t size;
  bool operator==(const BucketKey& o) const {
    return depth == o.depth && labels == o.labels && size == o.size &&
           std::memcmp(pcs, o.pcs, sizeof(uintptr_t) * depth) == 0;
  }
};

struct BucketKeyHash {
  size_t operator()(const BucketKey& k) const {
    uint64_t h = static_cast<uint64_t>(k.size) * 0x9e3779b97f4a7c15ULL ^ reinterpret_cast<uintptr_t>(k.labels);
    for (int i = 0; i < k.depth; ++i) h = (h ^ k.pcs[i]) * 0x100000001b3ULL;
    return h;
  }
};

// A slot holds a live sampled pointer, or one of these.
constexpr uintptr_t kEmpty = 0;
constexpr uintptr_t kTombstone = 1;  // removed; reusable by inserts, not the end of a probe
constexpr size_t kSlots = size_t{1} << 18;
// Probes per lookup: 32 slots of 24 bytes are 12 cache lines. With the table
// mostly empty (a 4 GiB heap at 512 KiB is 8K samples, 3% of the slots) a
// window is full only when the process has far more samples than planned.
constexpr size_t kProbeWindow = 32;

struct Slot {
  std::atomic<uintptr_t> key;
  std::atomic<Bucket*> bucket;
  std::atomic<int64_t> born;  // MonotonicNanos() at allocation: the sample's age in heap profiles
};

// Held for a hash lookup per sample.
SpinLock g_lock;
// Created on the first sample and leaked on purpose: frees may arrive during
// and after static destruction. Guarded by g_lock.
std::unordered_map<BucketKey, Bucket*, BucketKeyHash>* g_buckets = nullptr;
std::vector<Bucket*>* g_bucket_list = nullptr;
std::atomic<Slot*> g_slots{nullptr};
std::atomic<int64_t> g_sampled{0};
std::atomic<int64_t> g_dropped{0};
std::atomic<int64_t> g_sampling_nanos{0};

size_t Home(uintptr_t p) { return static_cast<size_t>((p >> 12) * 0x9e3779b97f4a7c15ULL >> 46); }  // 18 bits

// REQUIRES: g_lock held.
Slot* SlotsLocked() {
  Slot* s = g_slots.load(std::memory_order_acquire);
  if (s != nullptr) return s;
  void* m = mmap(nullptr, kSlots * sizeof(Slot), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  s = static_cast<Slot*>(m);  // zero pages: every key kEmpty
  g_slots.store(s, std::memory_order_release);
  return s;
}

// REQUIRES: g_lock held.
Bucket* BucketLocked(const uintptr_t* pcs, int depth, const LabelSetData* labels, int64_t size) {
  if (g_buckets == nullptr) g_buckets = new std::unordered_map<BucketKey, Bucket*, BucketKeyHash>();
  if (g_bucket_list == nullptr) g_bucket_list = new std::vector<Bucket*>();
  BucketKey key{pcs, depth, labels, size};
  auto it = g_buckets->find(key);
  if (it != g_buckets->end()) return it->second;
  auto* b = new Bucket{std::vector<uintptr_t>(pcs, pcs + depth), labels, size};
  key.pcs = b->pcs.data();  // the key must point at memory the bucket owns
  g_buckets->emplace(key, b);
  g_bucket_list->push_back(b);
  return b;
}

// REQUIRES: g_lock held (inserts are serialised; removals run concurrently
// but only ever turn a slot holding their own pointer into a tombstone).
bool InsertLocked(Slot* slots, uintptr_t p, Bucket* b, int64_t born) {
  size_t h = Home(p);
  for (size_t i = 0; i < kProbeWindow; ++i) {
    Slot& s = slots[(h + i) & (kSlots - 1)];
    uintptr_t k = s.key.load(std::memory_order_acquire);
    if (k != kEmpty && k != kTombstone) continue;
    s.bucket.store(b, std::memory_order_relaxed);
    s.born.store(born, std::memory_order_relaxed);
    s.key.store(p, std::memory_order_release);
    return true;
  }
  return false;
}

// CLOCK_MONOTONIC, the clock of sample ages.
int64_t MonotonicNanos() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: about 20 ns beside a sample's microseconds of stack walk
  return ts.tv_sec * int64_t{1000000000} + ts.tv_nsec;
}

void PrepareFork() { g_lock.lock(); }
void AfterFork() { g_lock.unlock(); }

__attribute__((constructor)) void RegisterForkHandlers() {
  NoSamplingScope scope;
  pthread_atfork(PrepareFork, AfterFork, AfterFork);
}

}  // namespace

bool RecordSampledAlloc(void* p, size_t size, const uintptr_t* pcs, int depth, const LabelSetData* labels) {
  int64_t born = MonotonicNanos();
  std::lock_guard lock(g_lock);
  Slot* slots = SlotsLocked();
  Bucket* b = nullptr;
  try {
    b = BucketLocked(pcs, depth, labels, static_cast<int64_t>(size));
  } catch (...) {  // bad_alloc in the table: drop this sample
  }
  if (slots == nullptr || b == nullptr || !InsertLocked(slots, reinterpret_cast<uintptr_t>(p), b, born)) {
    g_dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  b->allocs.fetch_add(1, std::memory_order_relaxed);
  g_sampled.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool RecordFreeIfSampled(void* ptr) {
  Slot* slots = g_slots.load(std::memory_order_acquire);
  if (slots == nullptr) return false;
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  size_t h = Home(p);
  for (size_t i = 0; i < kProbeWindow; ++i) {
    Slot& s = slots[(h + i) & (kSlots - 1)];
    uintptr_t k = s.key.load(std::memory_order_acquire);
    if (k == kEmpty) return false;  // inserts take the first free slot, and slots never go back to empty
    if (k != p) continue;
    Bucket* b = s.bucket.load(std::memory_order_relaxed);
    // The block is ours until free returns, so no other thread removes p.
    s.key.store(kTombstone, std::memory_order_release);
    b->frees.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  return false;
}

std::vector<HeapBucket> SnapshotHeapBuckets(bool with_ages) {
  NoSamplingScope scope;
  std::vector<Bucket*> list;
  {
    std::lock_guard lock(g_lock);
    if (g_bucket_list != nullptr) list = *g_bucket_list;
  }
  std::vector<HeapBucket> out;
  out.reserve(list.size());
  for (Bucket* b : list) {
    // Frees first: a free seen here had its allocation counted before.
    int64_t frees = b->frees.load(std::memory_order_acquire);
    int64_t allocs = b->allocs.load(std::memory_order_acquire);
    out.push_back({b->pcs, b->labels, b->size, allocs, frees < allocs ? frees : allocs, {}});
  }
  Slot* slots = g_slots.load(std::memory_order_acquire);
  if (!with_ages || slots == nullptr) return out;
  int64_t now = MonotonicNanos();
  // One pass over the live table (6 MiB, mostly never-touched zero pages)
  // instead of a per-bucket list that every free would update: 5 ms of a
  // 17 ms heap profile (perf, 10 profiles of examples/growing_server).
  std::unordered_map<const Bucket*, size_t> index;
  for (size_t i = 0; i < list.size(); ++i) index.emplace(list[i], i);
  for (size_t i = 0; i < kSlots; ++i) {
    uintptr_t k = slots[i].key.load(std::memory_order_acquire);
    if (k == kEmpty || k == kTombstone) continue;
    auto it = index.find(slots[i].bucket.load(std::memory_order_relaxed));
    if (it != index.end()) out[it->second].live_ages.push_back(now - slots[i].born.load(std::memory_order_relaxed));
  }
  return out;
}

HeapProfilerStats GetHeapProfilerStats() {
  return {g_sampled.load(std::memory_order_relaxed), g_dropped.load(std::memory_order_relaxed),
          g_sampling_nanos.load(std::memory_order_relaxed)};
}

void AddSamplingNanos(int64_t nanos) { g_sampling_nanos.fetch_add(nanos, std::memory_order_relaxed); }

}  // namespace cpprof::runtime
