// The trace recorder's timestamps. A region pair reads the clock twice:
// clock_gettime(CLOCK_MONOTONIC) costs 26 ns through the vDSO on this VM
// (kvm-clock), rdtsc 11 ns, so with an invariant TSC (cpuinfo's constant_tsc
// and nonstop_tsc) the hot paths record TSC ticks and the flusher converts
// them to CLOCK_MONOTONIC nanoseconds by interpolating between (ticks, ns)
// pairs it takes at every flush (100 ms apart: NTP's slew of at most
// 500 ppm moves a conversion by under 50 us, typically well under 1 us).
// Elsewhere the ticks are CLOCK_MONOTONIC nanoseconds and the conversion is
// the identity.
#ifndef CPPROF_RUNTIME_TRACE_CLOCK_H_
#define CPPROF_RUNTIME_TRACE_CLOCK_H_

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

extern bool g_trace_tsc;  // set by TraceClockInit, before a trace starts

// Decides whether ticks are TSC ticks (reads /proc/cpuinfo once).
void TraceClockInit();

CPPROF_SIGNAL_SAFE inline uint64_t TraceTicks() {
#if defined(__x86_64__)
  if (g_trace_tsc) return __rdtsc();
#endif
  return static_cast<uint64_t>(MonotonicNanos());
}

// Ticks to CLOCK_MONOTONIC ns, between the last two calibrations.
class TraceTickConverter {
 public:
  // Takes a (ticks, ns) pair; the first one starts the trace.
  void Calibrate();
  int64_t ToNanos(uint64_t ticks) const;

 private:
  uint64_t prev_ticks_ = 0, last_ticks_ = 0;
  int64_t prev_ns_ = 0, last_ns_ = 0;
  double ns_per_tick_ = 1;
  bool rated_ = false;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_TRACE_CLOCK_H_
