// Writing the mutex and block profiles as Go's runtime/pprof does
// (printCountCycleProfile and writeProfileInternal, Go 1.21):
//   debug=0: gzipped proto, sample types contentions/count and
//     delay/nanoseconds, period type contentions/count, period 1.
//   debug=1: "--- mutex:" or "--- contention:" (block), "cycles/second=N",
//     for mutex "sampling period=<fraction>", then "<cycles> <count> @ 0x..."
//     with every frame, largest delay first.
#ifndef CPPROF_RUNTIME_CONTENTION_FORMAT_H_
#define CPPROF_RUNTIME_CONTENTION_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/contention_profiler.h"

namespace cpprof::runtime {

// duration_nanos > 0 marks a delta profile.
std::string ContentionProfileProto(const std::vector<ContentionRecord>& records, int64_t time_nanos,
                                   int64_t duration_nanos);
std::string ContentionProfileText(ContentionKind kind, const std::vector<ContentionRecord>& records);

// later - earlier per (stack, labels); records left at zero are dropped.
std::vector<ContentionRecord> SubtractContention(const std::vector<ContentionRecord>& later,
                                                 const std::vector<ContentionRecord>& earlier);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_CONTENTION_FORMAT_H_
