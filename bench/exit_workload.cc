// The short program of the exit-write benchmark (bench/exit_symbolize.sh):
// about `argv[1]` milliseconds of CPU time (default 330, a third of a
// second, like the test binaries people profile by the hundred) spent
// mostly inside libstdc++ and libc, so that writing its self-symbolized
// profile at exit has their frames to name: number formatting through
// std::ostringstream (libstdc++'s num_put, libc's printf machinery), string
// hashing (libstdc++'s _Hash_bytes), qsort (libc's msort) and memcpy,
// malloc and free. Runs by CPU time, not wall time, so a loaded machine
// still gives it as many samples. Not linked with cpprof: the profiler
// comes in with LD_PRELOAD.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

__attribute__((noinline)) std::string FormatRow(uint64_t seed) {
  std::ostringstream out;
  for (int i = 0; i < 16; ++i) out << static_cast<double>(seed + i) / 7.0 << ' ' << seed * i << '\n';
  return out.str();
}

__attribute__((noinline)) uint64_t HashRows(const std::string& text) {
  uint64_t h = 0;
  for (size_t at = 0; at + 64 <= text.size(); at += 16) h ^= std::hash<std::string>{}(text.substr(at, 64));
  return h;
}

int CompareWords(const void* a, const void* b) {
  uint64_t x = *static_cast<const uint64_t*>(a), y = *static_cast<const uint64_t*>(b);
  return (x > y) - (x < y);
}

__attribute__((noinline)) uint64_t SortWords(const std::string& text) {
  std::vector<uint64_t> words(text.size() / sizeof(uint64_t));
  std::memcpy(words.data(), text.data(), words.size() * sizeof(uint64_t));
  std::qsort(words.data(), words.size(), sizeof(uint64_t), CompareWords);
  return words.empty() ? 0 : words[words.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int ms = argc > 1 ? std::atoi(argv[1]) : 330;
  std::clock_t end = std::clock() + static_cast<std::clock_t>(ms) * CLOCKS_PER_SEC / 1000;  // process CPU time
  uint64_t h = 1;
  while (std::clock() < end) {
    std::string text = FormatRow(h);
    h += HashRows(text) + SortWords(text);
  }
  std::printf("%llu\n", static_cast<unsigned long long>(h));
  return 0;
}
