// The heap profiler's records: sampled allocations aggregated into buckets
// keyed by (stack, labels, size), as Go's memProfile buckets are, and the
// table of live sampled pointers that lets free() recognise a sample.
//
// Sampled blocks are page-aligned (malloc_interpose.cc allocates them with
// 4096-byte alignment), so free() tests (p & 4095) first and only
// page-aligned pointers look here: a lock-free open-addressed table probed
// over at most kProbeWindow slots, so recognition is O(1). Inserts are
// serialised by the bucket lock (they already hold it), removals are a CAS on
// one slot and never lock.
//
// Memory: buckets are never freed (a bucket's counts are cumulative, as in
// Go). The live table is one 6 MiB mmap (2^18 slots of 24 bytes), reserved on
// the first sample and touched only where pointers hash: at 512 KiB it holds
// the samples of a 128 GiB heap. When a window is full the sample is dropped
// and counted, never blocking the allocation.
//
// Fork: the bucket lock is taken around fork() so a child never inherits it
// held. All entry points are safe in malloc hooks when called with a
// NoSamplingScope held (their own allocations then go straight through).
#ifndef CPPROF_RUNTIME_HEAP_PROFILER_H_
#define CPPROF_RUNTIME_HEAP_PROFILER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/labels.h"

namespace cpprof::runtime {

// Records a sampled block of `size` bytes at page-aligned p, allocated from
// the stack pcs (leaf first). False when the sample was dropped (tables full).
bool RecordSampledAlloc(void* p, size_t size, const uintptr_t* pcs, int depth, const LabelSetData* labels);

// If p is a live sampled block, forgets it and returns true. Lock-free.
bool RecordFreeIfSampled(void* p);

struct HeapBucket {
  std::vector<uintptr_t> pcs;
  const LabelSetData* labels = nullptr;
  int64_t size = 0;
  int64_t allocs = 0;
  int64_t frees = 0;
  // When asked for: how long each live sample had lived at the snapshot, in
  // nanoseconds (heap profiles label in-use memory with it).
  std::vector<int64_t> live_ages;
};

// A consistent-enough copy of every bucket (counts read without stopping
// allocation: a free may be counted before its allocation's bucket update is
// visible, never the reverse within one bucket). with_ages also reads the
// live table for each live sample's age.
std::vector<HeapBucket> SnapshotHeapBuckets(bool with_ages = false);

// The profiler's own figures, for /metrics.
struct HeapProfilerStats {
  int64_t sampled_allocations = 0;
  int64_t dropped_samples = 0;
  int64_t sampling_nanos = 0;  // time spent recording samples
};
HeapProfilerStats GetHeapProfilerStats();
void AddSamplingNanos(int64_t nanos);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_HEAP_PROFILER_H_
