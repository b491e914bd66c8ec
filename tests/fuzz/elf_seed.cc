// Source of the elf fuzzer's seed binaries (tests/fuzz/run.sh elf): DWARF
// lines, an inlined call, and PLT calls into libc.
#include <cstdio>
#include <cstdlib>

namespace {
inline int Twice(int x) { return 2 * x; }
}  // namespace

__attribute__((noinline)) int Work(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += Twice(i) ^ std::rand();
  return sum;
}

int main(int argc, char**) {
  std::printf("%d\n", Work(argc));
  return 0;
}
