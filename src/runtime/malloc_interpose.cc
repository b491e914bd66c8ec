// The malloc family, interposed (linked or LD_PRELOAD) over whatever malloc
// comes next in the lookup order (glibc's, jemalloc, tcmalloc...), found with
// dlsym(RTLD_NEXT). operator new and delete reach these through libstdc++.
//
// Fast paths: an unsampled allocation costs one TLS subtraction and a sign
// test on top of the real call; an unsampled free costs a range test (the
// bootstrap arena) and an alignment test, since sampled blocks are always
// page-aligned. Sampled allocations take the DWARF stack (libgcc), a
// page-aligned block from the real posix_memalign, and a record.
//
// Bootstrap: dlsym itself calls calloc, so the thread resolving the real
// functions is served from a static bump arena (never reused, so zeroed;
// frees of it are ignored); other threads wait for the resolution.
//
// Tested by tests/runtime/heap_profile_test.cc, preload_test.sh and the
// torture test.
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "runtime/heap_profiler.h"
#include "runtime/heap_sampler.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

constexpr size_t kPage = 4096;

struct RealMalloc {
  void* (*malloc)(size_t);
  void (*free)(void*);
  void* (*calloc)(size_t, size_t);
  void* (*realloc)(void*, size_t);
  void* (*memalign)(size_t, size_t);
  int (*posix_memalign)(void**, size_t, size_t);
  void* (*aligned_alloc)(size_t, size_t);
  void* (*valloc)(size_t);
  void* (*pvalloc)(size_t);
  size_t (*malloc_usable_size)(void*);
};

RealMalloc g_real;
std::atomic<bool> g_ready{false};
std::atomic<int> g_resolve_state{0};  // 0 not started, 1 resolving, 2 done
__thread bool t_resolving __attribute__((tls_model("initial-exec"))) = false;

// What dlsym allocates while resolving: a few hundred bytes on glibc 2.36.
constexpr size_t kArenaSize = 64 * 1024;
alignas(64) char g_arena[kArenaSize];
std::atomic<size_t> g_arena_used{0};

bool InArena(const void* p) {
  return static_cast<size_t>(static_cast<const char*>(p) - g_arena) < kArenaSize;
}

// 16-byte header holding the size, then the block aligned to max(align, 16).
void* ArenaAlloc(size_t n, size_t align) {
  align = std::max<size_t>(align, 16);
  size_t need = n + 16 + align;
  size_t at = g_arena_used.fetch_add(need, std::memory_order_relaxed);
  if (at + need > kArenaSize || n > kArenaSize) return nullptr;
  uintptr_t p = (reinterpret_cast<uintptr_t>(g_arena + at) + 16 + align - 1) & ~(align - 1);
  std::memcpy(reinterpret_cast<void*>(p - 16), &n, sizeof(n));
  return reinterpret_cast<void*>(p);
}

size_t ArenaSize(const void* p) {
  size_t n;
  std::memcpy(&n, static_cast<const char*>(p) - 16, sizeof(n));
  return n;
}

template <typename Fn>
void Resolve(Fn* fn, const char* name) {
  *fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// The real functions, or null on the resolving thread while it resolves.
const RealMalloc* Real() {
  if (__builtin_expect(g_ready.load(std::memory_order_acquire), 1)) return &g_real;
  if (t_resolving) return nullptr;
  int expected = 0;
  if (g_resolve_state.compare_exchange_strong(expected, 1)) {
    t_resolving = true;
    Resolve(&g_real.malloc, "malloc");
    Resolve(&g_real.free, "free");
    Resolve(&g_real.calloc, "calloc");
    Resolve(&g_real.realloc, "realloc");
    Resolve(&g_real.memalign, "memalign");
    Resolve(&g_real.posix_memalign, "posix_memalign");
    Resolve(&g_real.aligned_alloc, "aligned_alloc");
    Resolve(&g_real.valloc, "valloc");
    Resolve(&g_real.pvalloc, "pvalloc");
    Resolve(&g_real.malloc_usable_size, "malloc_usable_size");
    t_resolving = false;
    if (g_real.malloc == nullptr || g_real.free == nullptr || g_real.calloc == nullptr ||
        g_real.realloc == nullptr || g_real.posix_memalign == nullptr) {
      LogLine("no malloc found after libcpprof; serving from a fixed arena");  // a static binary
      g_resolve_state.store(3);
      return nullptr;
    }
    g_resolve_state.store(2, std::memory_order_release);
    g_ready.store(true, std::memory_order_release);
    return &g_real;
  }
  while (g_resolve_state.load(std::memory_order_acquire) == 1) sched_yield();
  return g_ready.load(std::memory_order_acquire) ? &g_real : nullptr;
}

// A sampled block: page-aligned so free() can tell it from others cheaply.
// REQUIRES: a NoSamplingScope is held (the unwinder and the tables allocate).
__attribute__((noinline)) void* AllocateSampled(const RealMalloc* r, size_t n, size_t align, bool zero) {
  int64_t start = MonotonicNanos();
  uintptr_t pcs[kMaxProfStackDepth];
  int depth = CaptureStackOutsideRuntime(pcs, kMaxProfStackDepth);
  void* p = nullptr;
  if (r->posix_memalign(&p, std::max(align, kPage), n == 0 ? 1 : n) != 0) {
    errno = ENOMEM;
    return nullptr;
  }
  if (zero) std::memset(p, 0, n);
  RecordSampledAlloc(p, n, pcs, depth, SelfLabelsIfRegistered());
  AddSamplingNanos(MonotonicNanos() - start);
  return p;
}

enum class Kind { kMalloc, kCalloc, kAligned };

// Allocation after the countdown ran out (or before the real functions are
// known): sample it, or allocate it as the caller asked.
__attribute__((noinline)) void* AllocateSlow(size_t n, size_t align, Kind kind) {
  const RealMalloc* r = Real();
  if (r == nullptr) return ArenaAlloc(n, align);
  if (ShouldSampleSlow(n)) {
    NoSamplingScope scope;
    return AllocateSampled(r, n, align, kind == Kind::kCalloc);
  }
  switch (kind) {
    case Kind::kMalloc: return r->malloc(n);
    case Kind::kCalloc: return r->calloc(1, n);
    case Kind::kAligned: return r->memalign(align, n);
  }
  return nullptr;
}

__attribute__((noinline)) void FreeSlow(void* p) {
  if (p == nullptr || InArena(p)) return;
  if ((reinterpret_cast<uintptr_t>(p) & (kPage - 1)) == 0) RecordFreeIfSampled(p);
  if (const RealMalloc* r = Real()) r->free(p);
}

// posix_memalign's rule: a power of two and a multiple of sizeof(void*).
bool ValidAlignment(size_t a) { return a != 0 && (a & (a - 1)) == 0 && a % sizeof(void*) == 0; }

void* Aligned(size_t align, size_t n) {
  if (__builtin_expect(g_ready.load(std::memory_order_relaxed), 1) && CountdownFast(n)) {
    return g_real.memalign(align, n);
  }
  return AllocateSlow(n, align, Kind::kAligned);
}

}  // namespace
}  // namespace cpprof::runtime

using cpprof::runtime::AllocateSlow;
using cpprof::runtime::CountdownFast;
using cpprof::runtime::g_ready;
using cpprof::runtime::g_real;
using cpprof::runtime::Kind;

#define CPPROF_INTERPOSE extern "C" __attribute__((visibility("default")))

CPPROF_INTERPOSE void* malloc(size_t n) {
  if (__builtin_expect(g_ready.load(std::memory_order_relaxed), 1) && CountdownFast(n)) return g_real.malloc(n);
  return AllocateSlow(n, 0, Kind::kMalloc);
}

CPPROF_INTERPOSE void free(void* p) {
  using namespace cpprof::runtime;
  // Not page-aligned (so neither null nor sampled) and not the arena's: a
  // tail call to the real free.
  if (__builtin_expect((reinterpret_cast<uintptr_t>(p) & (kPage - 1)) != 0 && !InArena(p) &&
                           g_ready.load(std::memory_order_relaxed),
                       1)) {
    return g_real.free(p);
  }
  FreeSlow(p);
}

CPPROF_INTERPOSE void* calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  if (__builtin_expect(g_ready.load(std::memory_order_relaxed), 1) && CountdownFast(n)) {
    return g_real.calloc(count, size);
  }
  return AllocateSlow(n, 0, Kind::kCalloc);
}

CPPROF_INTERPOSE void* realloc(void* p, size_t n) {
  using namespace cpprof::runtime;
  if (p == nullptr) return malloc(n);
  const RealMalloc* r = Real();
  if (InArena(p) || r == nullptr) {
    void* q = malloc(n);
    if (q != nullptr) std::memcpy(q, p, std::min(n, InArena(p) ? ArenaSize(p) : n));
    return q;
  }
  bool old_sampled = (reinterpret_cast<uintptr_t>(p) & (kPage - 1)) == 0 && RecordFreeIfSampled(p);
  bool new_sampled = n != 0 && !CountdownFast(n) && ShouldSampleSlow(n);
  if (!old_sampled && !new_sampled) return r->realloc(p, n);
  // A sample moves by hand: the real realloc could keep it in place, and a
  // block that became sampled must move to a page of its own.
  if (n == 0) {
    r->free(p);
    return nullptr;
  }
  void* q;
  if (new_sampled) {
    NoSamplingScope scope;
    q = AllocateSampled(r, n, 0, false);
  } else {
    q = r->malloc(n);
  }
  if (q == nullptr) return nullptr;  // p stays valid, as realloc promises
  std::memcpy(q, p, std::min(n, r->malloc_usable_size(p)));
  r->free(p);
  return q;
}

CPPROF_INTERPOSE void* reallocarray(void* p, size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, n);
}

CPPROF_INTERPOSE void* memalign(size_t align, size_t n) {
  return cpprof::runtime::Aligned(align, n);
}

CPPROF_INTERPOSE int posix_memalign(void** out, size_t align, size_t n) {
  if (!cpprof::runtime::ValidAlignment(align)) return EINVAL;
  void* p = cpprof::runtime::Aligned(align, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

CPPROF_INTERPOSE void* aligned_alloc(size_t align, size_t n) {
  return cpprof::runtime::Aligned(align, n);
}

CPPROF_INTERPOSE void* valloc(size_t n) { return cpprof::runtime::Aligned(cpprof::runtime::kPage, n); }

CPPROF_INTERPOSE void* pvalloc(size_t n) {
  using cpprof::runtime::kPage;
  return cpprof::runtime::Aligned(kPage, (n + kPage - 1) & ~(kPage - 1));
}

CPPROF_INTERPOSE size_t malloc_usable_size(void* p) {
  using namespace cpprof::runtime;
  if (p == nullptr) return 0;
  if (InArena(p)) return ArenaSize(p);
  const RealMalloc* r = Real();
  return r != nullptr && r->malloc_usable_size != nullptr ? r->malloc_usable_size(p) : 0;
}
