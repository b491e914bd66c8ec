// A library the torture test dlopens and dlcloses in a loop while it is being
// sampled at 1 kHz: samples land in code that is unmapped soon after.
#include <cstdint>

extern "C" __attribute__((visibility("default"))) uint64_t TorturePluginWork(uint64_t x) {
  for (int i = 0; i < 20000; ++i) x = x * 2862933555777941757ull + 3037000493ull;
  return x;
}
