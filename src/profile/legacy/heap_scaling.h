// Unsampling of heap profile values, bit for bit as pprof computes it on
// amd64 (scaleHeapSample in legacy_profile.go). Two Go details matter for
// equal output: math.Exp on amd64 is Go's own assembly routine, not a
// correctly rounded exp (a one-ulp difference moves int64(count*scale) across
// an integer now and then), and a float64 -> int64 conversion out of range
// gives 0x8000000000000000 instead of being undefined.
#ifndef CPPROF_PROFILE_LEGACY_HEAP_SCALING_H_
#define CPPROF_PROFILE_LEGACY_HEAP_SCALING_H_

#include <cstdint>
#include <utility>

namespace cpprof::legacy {

// Go's math.Exp as compiled for amd64 (exp_amd64.s), with or without FMA as
// the CPU offers.
double GoExp(double x);

// Go's int64(f) on amd64 (CVTTSD2SQ).
int64_t GoFloatToInt64(double f);

// Scales a sampled (count, size) by 1 / (1 - exp(-(size/count)/rate)), the
// inverse of the probability that a Poisson sampler with mean `rate` bytes
// records an allocation of size/count bytes. rate <= 1 means every
// allocation was recorded, so nothing is scaled.
std::pair<int64_t, int64_t> ScaleHeapSample(int64_t count, int64_t size, int64_t rate);

}  // namespace cpprof::legacy

#endif  // CPPROF_PROFILE_LEGACY_HEAP_SCALING_H_
