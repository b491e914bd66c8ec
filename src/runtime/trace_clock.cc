// Tested by tests/runtime/trace_test.cc (events line up with the CPU-time
// counters and the perf records, which are CLOCK_MONOTONIC).
#include "runtime/trace_clock.h"

#include <cstdio>
#include <cstring>

namespace cpprof::runtime {

bool g_trace_tsc = false;

void TraceClockInit() {
#if defined(__x86_64__)
  static const bool invariant = [] {
    bool constant = false, nonstop = false;
    if (FILE* f = std::fopen("/proc/cpuinfo", "r")) {
      char line[4096];
      while (std::fgets(line, sizeof(line), f) != nullptr) {
        if (std::strncmp(line, "flags", 5) != 0) continue;
        constant = std::strstr(line, " constant_tsc") != nullptr;
        nonstop = std::strstr(line, " nonstop_tsc") != nullptr;
        break;
      }
      std::fclose(f);
    }
    return constant && nonstop;
  }();
  g_trace_tsc = invariant;
#endif
}

void TraceTickConverter::Calibrate() {
  // Ticks read on both sides of the clock read: their mean is the instant
  // of the ns reading, within the 26 ns the read takes.
  uint64_t before = TraceTicks();
  int64_t ns = MonotonicNanos();
  uint64_t after = TraceTicks();
  uint64_t ticks = before + (after - before) / 2;
  bool first = last_ns_ == 0;
  prev_ticks_ = first ? ticks : last_ticks_;
  prev_ns_ = first ? ns : last_ns_;
  last_ticks_ = ticks;
  last_ns_ = ns;
  if (!g_trace_tsc || first) return;
  if (last_ns_ - prev_ns_ >= 1000000) {  // 1 ms apart: the rate to 1 ppm of the pairs' 26 ns jitter
    ns_per_tick_ = static_cast<double>(last_ns_ - prev_ns_) / static_cast<double>(last_ticks_ - prev_ticks_);
  } else if (!rated_) {
    // A trace stopped within a millisecond of its start: a 2 ms measurement.
    uint64_t t0 = TraceTicks();
    int64_t n0 = MonotonicNanos(), n1;
    while ((n1 = MonotonicNanos()) - n0 < 2000000) {
    }
    ns_per_tick_ = static_cast<double>(n1 - n0) / static_cast<double>(TraceTicks() - t0);
  }
  rated_ = true;
}

int64_t TraceTickConverter::ToNanos(uint64_t ticks) const {
  if (!g_trace_tsc) return static_cast<int64_t>(ticks);
  return prev_ns_ + static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(ticks - prev_ticks_)) * ns_per_tick_);
}

}  // namespace cpprof::runtime
