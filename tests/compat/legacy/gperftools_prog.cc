// Writes real gperftools profiles for the compat suite (run.sh builds it when
// libtcmalloc_and_profiler is installed): a CPU profile of a loop and a heap
// profile of strings kept alive. usage: gperftools_prog CPU_OUT HEAP_PREFIX
#include <gperftools/heap-profiler.h>
#include <gperftools/profiler.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

std::vector<std::string*> keep;

__attribute__((noinline)) double Work(int n) {
  double s = 0;
  for (int i = 1; i < n; ++i) s += 1.0 / i + (i % 7) * 0.5;
  return s;
}

__attribute__((noinline)) void Alloc(int n) {
  for (int i = 0; i < n; ++i) keep.push_back(new std::string(1000 + i % 5000, 'x'));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  ProfilerStart(argv[1]);
  HeapProfilerStart(argv[2]);
  double s = 0;
  // About 0.3 s of CPU: 30 samples at gperftools' default 100 Hz.
  for (int r = 0; r < 20; ++r) {
    s += Work(3000000);
    Alloc(500);
  }
  HeapProfilerDump("end");
  HeapProfilerStop();
  ProfilerStop();
  std::printf("%f %zu\n", s, keep.size());
  return 0;
}
