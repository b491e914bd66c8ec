// Writing the heap and allocs profiles as Go's runtime/pprof does
// (writeHeapProto and writeHeapInternal, Go 1.21):
//   debug=0: gzipped proto with sample types alloc_objects/count,
//     alloc_space/bytes, inuse_objects/count, inuse_space/bytes, period type
//     space/bytes, period = the rate, a `bytes` numeric label (the block
//     size), each pair unsampled by scaleHeapSample; "allocs" sets
//     default_sample_type alloc_space. drop_frames names the allocator's
//     frames (malloc, operator new, std::allocator...) so reports start at
//     the code that allocated. Beyond Go: when the buckets carry live_ages
//     (not in delta profiles), each bucket's allocated totals are one sample
//     and its in-use memory is split into samples by age, with a numeric
//     label `age` in seconds (the lower bound of its age bucket), so
//     `-tagfocus=age=10m:` keeps memory alive for ten minutes or more; and a
//     comment names the process and its start time (ProcessComment).
//   debug=1: "heap profile: <io>: <ib> [<ao>: <ab>] @ heap/<2*rate>", raw
//     (unscaled) counts per record, largest in-use first, then the
//     "# runtime.MemStats" trailer from mallinfo2.
#ifndef CPPROF_RUNTIME_HEAP_FORMAT_H_
#define CPPROF_RUNTIME_HEAP_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/heap_profiler.h"

namespace cpprof::runtime {

// name is "heap" or "allocs"; duration_nanos > 0 marks a delta profile.
std::string HeapProfileProto(const std::string& name, const std::vector<HeapBucket>& buckets, int64_t rate,
                             int64_t time_nanos, int64_t duration_nanos);
std::string HeapProfileText(const std::vector<HeapBucket>& buckets, int64_t rate);

// later - earlier per bucket (snapshots list buckets in creation order, so
// index i names the same bucket in both); buckets left at zero are dropped.
std::vector<HeapBucket> SubtractHeap(const std::vector<HeapBucket>& later, const std::vector<HeapBucket>& earlier);

// Go's scaleHeapSample: (count, size) * 1/(1 - e^(-avg/rate)), avg = size/count.
void ScaleHeapSample(int64_t count, int64_t size, int64_t rate, int64_t* out_count, int64_t* out_size);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_HEAP_FORMAT_H_
