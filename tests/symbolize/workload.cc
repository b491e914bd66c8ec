// A CPU-bound program built with -O2 -g (a PIE) for the symbolization test:
// a template function with an always-inlined callee in the executable, and
// a call into a shared library. Runs for about `argv[1]` milliseconds of CPU
// time, so a loaded machine still gives its profile as many samples (wall
// time gave the 300 ms profile no Scramble sample at all under `ctest -j4`).
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace worklib {
uint64_t Scramble(uint64_t x, int rounds);
}

namespace work {

// Inlined into Accumulate: the profile shows it as an inline frame.
__attribute__((always_inline)) inline uint64_t Mix(uint64_t h, uint64_t v) {
  for (int i = 0; i < 64; ++i) h = (h ^ v) * 0x100000001b3ULL + (h >> 29);
  return h;
}

template <typename T>
__attribute__((noinline)) T Accumulate(T seed, int n) {
  T h = seed;
  for (int i = 0; i < n; ++i) h = Mix(h, static_cast<uint64_t>(i));
  return h;
}

}  // namespace work

namespace {

int64_t CpuMillis() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

int main(int argc, char** argv) {
  int ms = argc > 1 ? std::atoi(argv[1]) : 300;
  int64_t end = CpuMillis() + ms;
  uint64_t h = 1;
  while (CpuMillis() < end) {
    h = work::Accumulate<uint64_t>(h, 2000);
    h = worklib::Scramble(h, 20000);
  }
  std::printf("%llu\n", static_cast<unsigned long long>(h));
  return 0;
}
