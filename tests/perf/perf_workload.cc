// The program tests/perf records with `perf record -g`: three CPU-bound
// functions under two callers doing fixed shares of the work (50%, 30% and
// 20% of the iterations, each loop inlined into its own function), so every
// function's flat share is large and the same on any machine. Argument:
// milliseconds to run (default 1500; at perf's default 4000 Hz that is
// ~6000 samples). The test compares two readings of one recording, so the
// sampling noise between runs does not enter the 1-point bound.
#include <chrono>
#include <cstdint>
#include <cstdlib>

namespace {

volatile uint64_t sink;

// The same cost per iteration in every function.
[[gnu::always_inline]] inline uint64_t Spin(uint64_t n, uint64_t seed) {
  uint64_t x = seed;
  for (uint64_t i = 0; i < n; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

[[gnu::noinline]] void HashKeys(uint64_t n) { sink = Spin(n, 1); }
[[gnu::noinline]] void ParseRequests(uint64_t n) { sink = Spin(n, 2); }
[[gnu::noinline]] void CompressPages(uint64_t n) { sink = Spin(n, 3); }

[[gnu::noinline]] void ServeBatch() {
  HashKeys(50000);
  ParseRequests(30000);
}

[[gnu::noinline]] void Background() { CompressPages(20000); }

}  // namespace

int main(int argc, char** argv) {
  const auto run = std::chrono::milliseconds(argc > 1 ? std::atoi(argv[1]) : 1500);
  const auto end = std::chrono::steady_clock::now() + run;
  while (std::chrono::steady_clock::now() < end) {
    ServeBatch();
    Background();
  }
  return 0;
}
