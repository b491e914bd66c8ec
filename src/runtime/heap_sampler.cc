// Tested by tests/runtime/heap_profile_test.cc (accuracy) and the torture test.
#include "runtime/heap_sampler.h"

#include <atomic>
#include <cmath>

namespace cpprof::runtime {

__thread ThreadSampler t_sampler __attribute__((tls_model("initial-exec"))) = {0, 0, 0};

namespace {

std::atomic<int64_t> g_rate{kDefaultMemProfileRate};
// Threads are seeded in the order they first allocate, so a program that
// allocates the same way samples the same way (reproducible profiles and
// tests); splitmix64 spreads consecutive seeds.
std::atomic<uint64_t> g_seeds{0};

// While sampling is off a thread re-reads the rate every 1 GiB it allocates:
// one slow-path call per GiB, and SetMemProfileRate turns sampling on later.
constexpr int64_t kOffRecheckBytes = int64_t{1} << 30;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// xorshift64*: state never 0.
uint64_t NextRandom(uint64_t* s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dULL;
}

// An exponential gap with mean rate (Go's fastexprand): -ln(u) * rate for u
// uniform in (0, 1]; at least 1 byte.
int64_t NextGap(int64_t rate) {
  if (rate <= 0) return kOffRecheckBytes;
  if (rate == 1) return 1;
  double u = static_cast<double>((NextRandom(&t_sampler.rng) >> 11) + 1) * 0x1.0p-53;
  double gap = -std::log(u) * static_cast<double>(rate);
  return gap < 1 ? 1 : gap > 0x1.0p62 ? int64_t{1} << 62 : static_cast<int64_t>(gap);
}

void StartThread() {
  t_sampler.rng = SplitMix64(g_seeds.fetch_add(1, std::memory_order_relaxed)) | 1;
  t_sampler.bytes_until_sample = NextGap(g_rate.load(std::memory_order_relaxed));
}

}  // namespace

int64_t MemProfileRate() { return g_rate.load(std::memory_order_relaxed); }

void SetMemProfileRateInternal(int64_t rate) {
  g_rate.store(rate < 0 ? 0 : rate, std::memory_order_relaxed);
  if (t_sampler.rng == 0) t_sampler.rng = SplitMix64(g_seeds.fetch_add(1, std::memory_order_relaxed)) | 1;
  t_sampler.bytes_until_sample = NextGap(MemProfileRate());
}

bool ShouldSampleSlow(size_t n) {
  if (t_sampler.busy > 0) return false;  // countdown left as is: sampled after the scope
  if (t_sampler.rng == 0) {
    StartThread();
    if (CountdownFast(n)) return false;
  }
  int64_t rate = g_rate.load(std::memory_order_relaxed);
  t_sampler.bytes_until_sample = NextGap(rate);
  return rate > 0;
}

}  // namespace cpprof::runtime
