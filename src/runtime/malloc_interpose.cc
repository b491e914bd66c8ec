// The malloc family, interposed (linked or LD_PRELOAD) over whatever malloc
// comes next in the lookup order (glibc's, jemalloc, tcmalloc...), found with
// dlsym(RTLD_NEXT). operator new and delete reach these through libstdc++.
//
// Fast paths, measured against a pass-through interposer on
// bench/malloc_workload churn (14 ns per malloc/free pair): an unsampled
// allocation costs one TLS subtraction and one compare on top of a tail call
// to the real function; an unsampled free costs one alignment test, since
// sampled blocks (and the bootstrap arena's) are always page-aligned. No
// "ready" flag is tested: until the real functions are resolved, g_real
// points at bootstrap functions that resolve them first. Sampled allocations
// take the stack (CaptureStackOutsideRuntime), a page of their own
// (runtime/sample_pages.h, or the real posix_memalign for larger blocks),
// and a record.
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
#include <bit>
#include <cstdint>
#include <cstring>

#include "runtime/heap_profiler.h"
#include "runtime/heap_sampler.h"
#include "runtime/sample_pages.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

constexpr size_t kPage = 4096;

// The functions the fast paths call. memalign, aligned_alloc, valloc and
// pvalloc all go through posix_memalign.
struct RealMalloc {
  void* (*malloc)(size_t);
  void (*free)(void*);
  void* (*calloc)(size_t, size_t);
  void* (*realloc)(void*, size_t);
  int (*posix_memalign)(void**, size_t, size_t);
  size_t (*malloc_usable_size)(void*);
};

void* BootMalloc(size_t n);
void FreeSlow(void* p);
void* BootCalloc(size_t count, size_t size);
int BootPosixMemalign(void** out, size_t align, size_t n);

// Written once, by Real(); the fast paths read it without synchronization
// (an aligned pointer store is atomic on every target, and both the
// bootstrap and the real function are right to call).
RealMalloc g_real = {BootMalloc, FreeSlow, BootCalloc, nullptr, BootPosixMemalign, nullptr};
enum ResolveState { kNotStarted, kResolving, kResolved, kNotFound };
std::atomic<int> g_resolve_state{kNotStarted};
__thread bool t_resolving __attribute__((tls_model("initial-exec"))) = false;

// What dlsym allocates while resolving: a few hundred bytes in 2 blocks on
// glibc 2.36. Blocks are page-aligned, so the fast free path sends them to
// FreeSlow; untouched pages of .bss cost nothing, so 1 MiB holds 255 blocks.
constexpr size_t kArenaSize = 1024 * 1024;
alignas(kPage) char g_arena[kArenaSize];
std::atomic<size_t> g_arena_used{0};

bool InArena(const void* p) { return static_cast<size_t>(static_cast<const char*>(p) - g_arena) < kArenaSize; }

// A 16-byte header holding the size, then the block on a page boundary.
void* ArenaAlloc(size_t n) {
  size_t need = (n + 16 + 2 * kPage - 1) & ~(kPage - 1);
  size_t at = g_arena_used.fetch_add(need, std::memory_order_relaxed);
  if (at + need > kArenaSize || n > kArenaSize) return nullptr;
  char* p = g_arena + at + kPage;
  std::memcpy(p - 16, &n, sizeof(n));
  return p;
}

size_t ArenaSize(const void* p) {
  size_t n;
  std::memcpy(&n, static_cast<const char*>(p) - 16, sizeof(n));
  return n;
}

template <typename Fn>
bool Resolve(Fn* fn, const char* name) {
  *fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
  return *fn != nullptr;
}

// The real functions, or null on the resolving thread while it resolves (and
// for good when there are none: a static binary).
const RealMalloc* Real() {
  if (__builtin_expect(g_resolve_state.load(std::memory_order_acquire) == kResolved, 1)) return &g_real;
  if (t_resolving) return nullptr;
  int expected = kNotStarted;
  if (g_resolve_state.compare_exchange_strong(expected, kResolving)) {
    t_resolving = true;
    RealMalloc r{};
    bool found = Resolve(&r.malloc, "malloc") && Resolve(&r.free, "free") && Resolve(&r.calloc, "calloc") &&
                 Resolve(&r.realloc, "realloc") && Resolve(&r.posix_memalign, "posix_memalign");
    Resolve(&r.malloc_usable_size, "malloc_usable_size");
    t_resolving = false;
    if (!found) {
      LogLine("no malloc found after libcpprof; serving from a fixed arena");
      g_resolve_state.store(kNotFound);
      return nullptr;
    }
    g_real = r;
    g_resolve_state.store(kResolved, std::memory_order_release);
    return &g_real;
  }
  while (g_resolve_state.load(std::memory_order_acquire) == kResolving) sched_yield();
  return g_resolve_state.load(std::memory_order_acquire) == kResolved ? &g_real : nullptr;
}

// Live sampled blocks that the real allocator holds (over a page, or when the
// sample pages ran out); a record the table dropped stays counted, which
// only costs lookups. While there are none, as in a program whose samples
// are all small blocks, a page-aligned block of the real malloc (1 in 256 of
// glibc's small ones) is freed without a probe of the 6 MiB table of
// samples: on bench/malloc_workload churn those probes were 0.3% of cycles.
std::atomic<int64_t> g_sampled_real_blocks{0};

// Removes p's record if it is a sampled block; true if it was.
bool ForgetIfSampled(void* p) {
  if (IsSamplePage(p)) return RecordFreeIfSampled(p);
  if ((reinterpret_cast<uintptr_t>(p) & (kPage - 1)) != 0 ||
      g_sampled_real_blocks.load(std::memory_order_relaxed) == 0 || !RecordFreeIfSampled(p)) {
    return false;
  }
  g_sampled_real_blocks.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

// A sampled block: page-aligned so free() can tell it from others cheaply.
// REQUIRES: a NoSamplingScope is held (the unwinder and the tables allocate).
__attribute__((noinline)) void* AllocateSampled(const RealMalloc* r, size_t n, size_t align, bool zero) {
  int64_t start = MonotonicNanos();
  uintptr_t pcs[kMaxProfStackDepth];
  int depth = CaptureStackOutsideRuntime(SelfStackBoundsIfRegistered(), pcs, kMaxProfStackDepth);
  void* p = n <= kPage && align <= kPage ? TakeSamplePage() : nullptr;
  if (p == nullptr && r->posix_memalign(&p, std::max(align, kPage), n == 0 ? 1 : n) != 0) {
    errno = ENOMEM;
    return nullptr;
  }
  if (zero) std::memset(p, 0, n);  // sample pages are reused
  if (!IsSamplePage(p)) g_sampled_real_blocks.fetch_add(1, std::memory_order_relaxed);
  RecordSampledAlloc(p, n, pcs, depth, SelfLabelsIfRegistered());
  AddSamplingNanos(MonotonicNanos() - start);
  return p;
}

enum class Kind { kMalloc, kCalloc, kAligned };

// Allocation after the countdown ran out (or before the real functions are
// known): sample it, or allocate it as the caller asked. align is a power
// of two of at least sizeof(void*) for kAligned.
__attribute__((noinline)) void* AllocateSlow(size_t n, size_t align, Kind kind) {
  const RealMalloc* r = Real();
  if (r == nullptr) return align <= kPage ? ArenaAlloc(n) : nullptr;
  if (ShouldSampleSlow(n)) {
    NoSamplingScope scope;
    return AllocateSampled(r, n, align, kind == Kind::kCalloc);
  }
  switch (kind) {
    case Kind::kMalloc: return r->malloc(n);
    case Kind::kCalloc: return r->calloc(1, n);
    case Kind::kAligned: {
      void* p = nullptr;
      return r->posix_memalign(&p, align, n) == 0 ? p : nullptr;
    }
  }
  return nullptr;
}

void* BootMalloc(size_t n) { return AllocateSlow(n, 0, Kind::kMalloc); }
void* BootCalloc(size_t count, size_t size) { return AllocateSlow(count * size, 0, Kind::kCalloc); }
int BootPosixMemalign(void** out, size_t align, size_t n) {
  void* p = AllocateSlow(n, align, Kind::kAligned);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

// Gives back a block that is not the arena's, after its record is gone.
void ReleaseBlock(const RealMalloc* r, void* p) {
  if (IsSamplePage(p)) {
    ReturnSamplePage(p);
  } else if (r != nullptr) {
    r->free(p);
  }
}

// A block's usable size (what realloc may copy), the arena's excepted.
size_t UsableSize(const RealMalloc* r, void* p) {
  if (IsSamplePage(p)) return kSamplePageSize;
  return r->malloc_usable_size != nullptr ? r->malloc_usable_size(p) : SIZE_MAX;
}

// A free the fast path did not take: null, the arena's, page-aligned (maybe
// sampled, maybe a sample page), or before the real functions are known.
__attribute__((noinline)) void FreeSlow(void* p) {
  if (p == nullptr || InArena(p)) return;
  ForgetIfSampled(p);
  ReleaseBlock(Real(), p);
}

// memalign's rule, as glibc applies it: an alignment below 16 is 16, one that
// is not a power of two is rounded up to the next.
size_t MemalignAlignment(size_t a) { return a <= 16 ? 16 : std::bit_ceil(a); }

// posix_memalign's rule: a power of two and a multiple of sizeof(void*).
bool ValidAlignment(size_t a) { return a != 0 && (a & (a - 1)) == 0 && a % sizeof(void*) == 0; }

// align: a valid posix_memalign alignment.
void* Aligned(size_t align, size_t n) {
  if (__builtin_expect(CountdownFast(n), 1)) {
    void* p = nullptr;
    return g_real.posix_memalign(&p, align, n) == 0 ? p : nullptr;
  }
  return AllocateSlow(n, align, Kind::kAligned);
}

}  // namespace
}  // namespace cpprof::runtime

using cpprof::runtime::AllocateSlow;
using cpprof::runtime::CountdownFast;
using cpprof::runtime::g_real;
using cpprof::runtime::Kind;

#define CPPROF_INTERPOSE extern "C" __attribute__((visibility("default")))

CPPROF_INTERPOSE void* malloc(size_t n) {
  if (__builtin_expect(CountdownFast(n), 1)) return g_real.malloc(n);
  return AllocateSlow(n, 0, Kind::kMalloc);
}

CPPROF_INTERPOSE void free(void* p) {
  using namespace cpprof::runtime;
  // Not page-aligned, so neither null nor sampled nor the arena's: a tail
  // call to the real free.
  if (__builtin_expect((reinterpret_cast<uintptr_t>(p) & (kPage - 1)) != 0, 1)) return g_real.free(p);
  FreeSlow(p);
}

CPPROF_INTERPOSE void* calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  if (__builtin_expect(CountdownFast(n), 1)) return g_real.calloc(count, size);
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
  // A sample page (recorded or dropped) is not the real realloc's to move.
  bool old_sampled = ForgetIfSampled(p) || IsSamplePage(p);
  bool new_sampled = n != 0 && !CountdownFast(n) && ShouldSampleSlow(n);
  if (!old_sampled && !new_sampled) return r->realloc(p, n);
  // A sample moves by hand: the real realloc could keep it in place, and a
  // block that became sampled must move to a page of its own.
  if (n == 0) {
    ReleaseBlock(r, p);
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
  std::memcpy(q, p, std::min(n, UsableSize(r, p)));
  ReleaseBlock(r, p);
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
  using namespace cpprof::runtime;
  return Aligned(MemalignAlignment(align), n);
}

CPPROF_INTERPOSE int posix_memalign(void** out, size_t align, size_t n) {
  if (!cpprof::runtime::ValidAlignment(align)) return EINVAL;
  void* p = cpprof::runtime::Aligned(align, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

// glibc 2.36's aligned_alloc is memalign.
CPPROF_INTERPOSE void* aligned_alloc(size_t align, size_t n) {
  using namespace cpprof::runtime;
  return Aligned(MemalignAlignment(align), n);
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
  if (r == nullptr) return 0;
  size_t n = UsableSize(r, p);
  return n == SIZE_MAX ? 0 : n;
}
