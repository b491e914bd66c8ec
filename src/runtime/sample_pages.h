// Pages for sampled blocks of up to a page.
//
// A sampled block is page-aligned so that free() tells it from the others
// with one test. From glibc, posix_memalign(4096, n) is a large-bin request,
// and glibc consolidates its fastbins before every such request: on
// bench/malloc_workload churn at 512 KiB sampling that alone cost 2.5 cycles
// (4%) per malloc/free pair of the host. Blocks of up to a page come from
// here instead: a page each, from a 256 MiB range reserved at the first
// sample (address space only: a page takes memory once written, and freed
// pages are reused first). When the range is full (65536 live sampled
// blocks, which at 512 KiB sampling stand for 32 GiB of live data) or cannot
// be mapped, callers fall back to posix_memalign.
//
// Thread-safety: thread-safe; a spin lock guards the free list (and is held
// across fork, so the child's list is whole).
#ifndef CPPROF_RUNTIME_SAMPLE_PAGES_H_
#define CPPROF_RUNTIME_SAMPLE_PAGES_H_

#include <cstddef>

namespace cpprof::runtime {

inline constexpr size_t kSamplePageSize = 4096;

// A page-aligned page, or null.
void* TakeSamplePage();

// Whether p is in the range TakeSamplePage hands out.
bool IsSamplePage(const void* p);

// Gives back a page from TakeSamplePage.
void ReturnSamplePage(void* p);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SAMPLE_PAGES_H_
