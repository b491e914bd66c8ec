// Tested by tests/runtime/heap_profile_test.cc and the torture test (heap
// sampling at rate 1 with fork).
#include "runtime/sample_pages.h"

#include <pthread.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "runtime/heap_sampler.h"
#include "runtime/spin_lock.h"

namespace cpprof::runtime {
namespace {

constexpr size_t kRangeBytes = size_t{256} << 20;

SpinLock g_lock;
// The range: [base, base + kRangeBytes), or null before the first page (and
// for good when the mapping failed). Published once, read without the lock.
std::atomic<char*> g_base{nullptr};
bool g_map_failed = false;  // under g_lock
size_t g_used = 0;          // pages handed out at least once, under g_lock
void* g_free = nullptr;     // free list threaded through the pages' first word, under g_lock

}  // namespace

void* TakeSamplePage() {
  std::lock_guard lock(g_lock);
  if (g_free != nullptr) {
    void* p = g_free;
    g_free = *static_cast<void**>(p);
    return p;
  }
  char* base = g_base.load(std::memory_order_relaxed);
  if (base == nullptr) {
    if (g_map_failed) return nullptr;
    void* m = mmap(nullptr, kRangeBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      g_map_failed = true;
      return nullptr;
    }
    base = static_cast<char*>(m);
    g_base.store(base, std::memory_order_release);
  }
  if (g_used == kRangeBytes / kSamplePageSize) return nullptr;
  return base + kSamplePageSize * g_used++;
}

bool IsSamplePage(const void* p) {
  const char* base = g_base.load(std::memory_order_acquire);
  return base != nullptr && static_cast<size_t>(static_cast<const char*>(p) - base) < kRangeBytes;
}

void ReturnSamplePage(void* p) {
  std::lock_guard lock(g_lock);
  *static_cast<void**>(p) = g_free;
  g_free = p;
}

namespace {

void PrepareFork() { g_lock.lock(); }
void AfterFork() { g_lock.unlock(); }

__attribute__((constructor)) void RegisterForkHandlers() {
  NoSamplingScope scope;  // pthread_atfork allocates
  pthread_atfork(PrepareFork, AfterFork, AfterFork);
}

}  // namespace

}  // namespace cpprof::runtime
