// Cost of a cpprof::Region pair (constructor and destructor), with no trace
// running (one relaxed load and a branch each) and with one running into
// /dev/null (two clock reads and two buffer writes). Rounds of 1,000 pairs
// (8,000 buffer words, under the half of the 32,768-word buffer at which the
// flusher is woken) with a 2 ms pause between them, so the buffer is drained
// and no pair takes the cheaper dropped path. Prints the median and p90 of
// the rounds' ns per pair.
//
// usage: region_cost [rounds (301)]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "cpprof/trace.h"

namespace {

constexpr int kPairs = 1000;

__attribute__((noinline)) void Pairs() {
  for (int i = 0; i < kPairs; ++i) {
    cpprof::Region r("bench");
    asm volatile("" ::: "memory");  // the loop must not be folded away
  }
}

std::vector<double> Rounds(int rounds) {
  std::vector<double> ns;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    Pairs();
    auto t1 = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / kPairs);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::sort(ns.begin(), ns.end());
  return ns;
}

void Print(const char* what, const std::vector<double>& ns) {
  std::printf("region pair, %-9s median %6.1f ns  p90 %6.1f ns\n", what, ns[ns.size() / 2], ns[ns.size() * 9 / 10]);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 301;
  Print("trace off", Rounds(rounds));
  int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (cpprof::Error e = cpprof::StartTrace(fd); !e.ok()) {
    std::fprintf(stderr, "region_cost: %s\n", e.message.c_str());
    return 1;
  }
  Print("trace on", Rounds(rounds));
  if (cpprof::Error e = cpprof::StopTrace(); !e.ok()) std::fprintf(stderr, "region_cost: %s\n", e.message.c_str());
  close(fd);
  return 0;
}
