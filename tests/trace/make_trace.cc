// Writes a cpprof trace for the command-line tests, the fuzzer's seeds and
// the reading benchmark: THREADS threads (in groups of 4 with one name and
// start routine), each with WAITS waits cycling through every state at five
// stacks, a region, a log and a CPU sample around each wait, and a task per
// 10 waits. Test-only.
// usage: make_trace OUT [THREADS [WAITS]]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "trace_builder.h"

using namespace cpprof::trace;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: make_trace OUT [THREADS [WAITS]]\n", stderr);
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  const int waits = argc > 3 ? std::atoi(argv[3]) : 20;
  const uint64_t start = 1 * kSec, step = 1 * kMs;  // a wait and its surroundings every 1 ms
  const uint64_t end = start + static_cast<uint64_t>(waits) * step + 10 * kMs;
  TraceBuilderForTesting b(start);
  const char* states[] = {kStateSync, kStateNetwork, kStateSyscall, kStateSleep, kStateSched};
  const char* calls[] = {"pthread_mutex_lock", "recv", "read", "nanosleep", "preempted"};
  uint64_t stacks[5];
  for (int s = 0; s < 5; ++s) stacks[s] = b.Stack({"main", "WorkerMain", "Handle", std::string("Do") + calls[s]});
  uint64_t task = 0;
  for (int t = 0; t < threads; ++t) {
    std::string group = "worker-" + std::to_string(t / 4);
    uint64_t th = b.Thread(1000 + t, group, "WorkerMain" + std::to_string(t / 4), start + 1000);
    b.Counters(th, static_cast<int64_t>(waits) * 300000, static_cast<int64_t>(waits) * 20000);
    for (int i = 0; i < waits; ++i) {
      uint64_t at = start + 2000 + static_cast<uint64_t>(i) * step;
      if (i % 10 == 0) b.TaskBegin(++task, 0, at, "request", stacks[0]);
      b.RegionBegin(th, at, "handle", task);
      b.Sample(th, at + 100000, stacks[i % 5]);
      b.Wait(th, states[i % 5], calls[i % 5], at + 200000, at + 600000, i % 5 == 4 ? 0 : stacks[i % 5], 3);
      b.Log(th, at + 700000, "done", "request " + std::to_string(i), task);
      b.RegionEnd(th, at + 800000);
      if (i % 10 == 9) b.TaskEnd(task, at + 900000);
    }
    b.Exit(th, end - 1000);
  }
  std::ofstream(argv[1], std::ios::binary) << b.Finish(end);
  return 0;
}
