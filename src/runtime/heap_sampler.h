// The per-thread sampling decision of the heap profiler: a Poisson process
// over allocated bytes (Go's MemProfileRate, tcmalloc's sampler). Each byte
// is "marked" with probability 1/R, so an allocation of X bytes is sampled
// with probability 1 - e^(-X/R): at R = 512 KiB that is 0.003% for 16 bytes,
// 0.78% for 4 KiB and 86.5% for 1 MiB.
//
// Every thread counts down the bytes until its next sample in initial-exec
// TLS (no __tls_get_addr, which may call malloc). The fast path is one
// compare and one subtraction (CountdownFast); everything else is in
// ShouldSampleSlow. Memorylessness of the exponential gap is what makes a
// fresh gap after every sample, or a gap started mid-allocation, unbiased.
//
// The "busy" flag marks a thread inside the profiler (or one of cpprof's own
// threads): its allocations are never sampled, which also stops recursion
// when the profiler allocates.
//
// Thread-safety: the state is thread-local; the rate is a global atomic.
// Everything here is safe in a malloc hook (no allocation, no locks).
#ifndef CPPROF_RUNTIME_HEAP_SAMPLER_H_
#define CPPROF_RUNTIME_HEAP_SAMPLER_H_

#include <cstddef>
#include <cstdint>

namespace cpprof::runtime {

struct ThreadSampler {
  uint64_t bytes_until_sample;  // 0 at thread start: the first allocation initializes
  uint64_t rng;                 // 0 until initialized
  int busy;                     // > 0: inside the profiler, never sample
};

extern __thread ThreadSampler t_sampler __attribute__((tls_model("initial-exec")));

// A countdown no allocation reaches: the profiler's own allocations stay on
// the fast path and leave the thread's countdown to the host's allocations.
inline constexpr int64_t kNeverSample = int64_t{1} << 62;

// Go's default MemProfileRate.
inline constexpr int64_t kDefaultMemProfileRate = 512 * 1024;

// Sampling rate in bytes: 0 = off, 1 = every allocation.
int64_t MemProfileRate();
// Sets the rate and restarts the calling thread's countdown; other threads
// take the new rate at their next sample (at most 1 GiB later when it was off).
void SetMemProfileRateInternal(int64_t rate);

// True when the allocation is not sampled (the common case): one compare,
// since the countdown is never more than kNeverSample.
__attribute__((always_inline)) inline bool CountdownFast(size_t n) {
  uint64_t left = t_sampler.bytes_until_sample;
  if (__builtin_expect(n < left, 1)) {
    t_sampler.bytes_until_sample = left - n;
    return true;
  }
  return false;
}

// For cpprof's own threads: no allocation of the calling thread is sampled
// from now on.
inline void StopSamplingThisThread() {
  ++t_sampler.busy;
  t_sampler.bytes_until_sample = kNeverSample;
}

// After CountdownFast failed: whether to sample this allocation of n bytes.
// Starts the next gap when it says yes.
bool ShouldSampleSlow(size_t n);

// While alive, the calling thread's allocations are not sampled and do not
// count towards its next sample.
class NoSamplingScope {
 public:
  NoSamplingScope() : saved_(t_sampler.bytes_until_sample) {
    ++t_sampler.busy;
    t_sampler.bytes_until_sample = kNeverSample;
  }
  // The countdown comes back only when no scope (and no StopSamplingThisThread) remains.
  ~NoSamplingScope() {
    if (--t_sampler.busy == 0) t_sampler.bytes_until_sample = saved_;
  }
  NoSamplingScope(const NoSamplingScope&) = delete;
  NoSamplingScope& operator=(const NoSamplingScope&) = delete;

 private:
  uint64_t saved_;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_HEAP_SAMPLER_H_
