// Cost of one CPU sample in libcpprof's SIGPROF handler, measured directly
// rather than as a fraction of a noisy workload: the program sends itself
// timer-shaped signals (SI_TIMER with cpprof's cookie; the kernel accepts
// any si_code for signals a process sends to itself) at a chosen stack depth
// while a CPU profile runs, and compares each round trip with one to a
// handler that returns at once (a foreign SIGPROF when no other handler is
// installed). The difference is the handler's work: frame walk, ring write.
// Signals go in batches of 100 with a pause, so the collector (every 5 ms
// here) keeps the 64 KiB ring from filling and every sample takes the full
// path. Prints p50 and p99 per depth and the overhead implied at 1 kHz by a
// whole signal round trip (an upper bound: it includes the sending syscall).
//
// usage: handler_cost [samples per case (5000)]
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "cpprof/cpprof.h"

namespace {

constexpr int kTimerCookie = 0x63707066;  // runtime/cpu_timer.h: cpprof's timers

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void SendToSelf(int si_code, int value) {
  siginfo_t info;
  std::memset(&info, 0, sizeof(info));
  info.si_signo = SIGPROF;
  info.si_code = si_code;
  info.si_value.sival_int = value;
  syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGPROF, &info);
}

// Round-trip times of n signals sent from `depth` frames down.
__attribute__((noinline)) void Measure(int depth, int n, int si_code, int value, std::vector<int64_t>* out) {
  if (depth > 0) {
    Measure(depth - 1, n, si_code, value, out);
    asm volatile("");  // keeps the recursion real
    return;
  }
  for (int i = 0; i < n; ++i) {
    if (i % 100 == 0) {
      timespec pause = {0, 10000000};  // 10 ms: two collector rounds
      nanosleep(&pause, nullptr);
    }
    int64_t t0 = NowNs();
    SendToSelf(si_code, value);
    out->push_back(NowNs() - t0);
  }
}

int64_t Percentile(std::vector<int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 5000;
  setenv("CPPROF_COLLECTOR_PERIOD_MS_FOR_TESTING", "5", 1);
  std::ostringstream sink;
  if (!cpprof::StartCPUProfile(sink).ok()) return 1;  // installs the handler, creates the ring
  std::printf("handler cost: %d signals per case; round trip minus a no-op round trip\n", n);
  std::printf("%6s %10s %10s %10s %10s %14s\n", "depth", "no-op p50", "cpprof p50", "extra p50", "cpprof p99",
              "1 kHz bound");
  for (int depth : {1, 8, 32, 62}) {
    std::vector<int64_t> base, ours;
    base.reserve(n);
    ours.reserve(n);
    Measure(depth, n, SI_QUEUE, 0, &base);  // not a sample: dropped at once
    Measure(depth, n, SI_TIMER, kTimerCookie, &ours);
    int64_t ours50 = Percentile(ours, 0.5);
    std::printf("%6d %7lld ns %7lld ns %7lld ns %7lld ns %13.3f%%\n", depth, (long long)Percentile(base, 0.5),
                (long long)ours50, (long long)(ours50 - Percentile(base, 0.5)), (long long)Percentile(ours, 0.99),
                ours50 * 1000 / 1e9 * 100);
  }
  (void)cpprof::StopCPUProfile();
  if (const char* keep = std::getenv("HANDLER_COST_PROFILE")) {  // to check that the samples were taken
    if (FILE* f = std::fopen(keep, "w")) {
      std::fwrite(sink.str().data(), 1, sink.str().size(), f);
      std::fclose(f);
    }
  }
  return 0;
}
