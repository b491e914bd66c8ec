// The multithreaded CPU workload of the overhead benchmark (bench/runtime_overhead.sh)
// and of the LD_PRELOAD test: `threads` threads each hash `blocks` 64 KiB
// blocks through a few call levels (so stacks have depth to walk), then the
// program prints its wall and CPU seconds. Not linked with cpprof: profilers
// come in with LD_PRELOAD.
//
// usage: cpu_workload [threads (4)] [blocks per thread (2000)]
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

__attribute__((noinline)) uint64_t HashBlock(const std::vector<uint8_t>& data, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (uint8_t b : data) h = (h ^ b) * 1099511628211ull;
  return h;
}

__attribute__((noinline)) uint64_t HashChain(std::vector<uint8_t>& data, int depth, uint64_t seed) {
  if (depth == 0) return HashBlock(data, seed);
  data[depth] ^= static_cast<uint8_t>(seed);
  return HashChain(data, depth - 1, seed * 31 + 7) + 1;
}

__attribute__((noinline)) void Work(int blocks, uint64_t* out) {
  std::vector<uint8_t> data(64 * 1024, 1);
  uint64_t acc = 0;
  for (int i = 0; i < blocks; ++i) acc += HashChain(data, 8, acc);
  *out = acc;
}

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  int blocks = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto start = std::chrono::steady_clock::now();
  std::vector<uint64_t> results(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(Work, blocks, &results[t]);
  for (auto& t : pool) t.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t check = 0;
  for (uint64_t r : results) check ^= r;
  std::printf("wall %.4f cpu %.4f check %llx\n", wall, CpuSeconds(), static_cast<unsigned long long>(check));
  return 0;
}
