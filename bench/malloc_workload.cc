// Malloc-heavy workloads for bench/heap_overhead.sh, built without cpprof
// (profilers come in with LD_PRELOAD or heaptrack):
//   churn  small-object churn: a ring of 4096 live blocks of 16-128 bytes,
//          each step frees the oldest and allocates a new one
//   mixed  the same with sizes 16 B - 64 KiB, log-uniform (10 KiB mean)
//   mt     churn on every core at once
//   strings  what a request handler allocates: a key and a value
//          (std::string, 32-200 characters) put into a std::unordered_map
//          of 4096 live entries, and the oldest entry erased; an op is one
//          such request, 3 allocations and 3 frees, with the hashing,
//          formatting and copying around them
//   lock   uncontended pthread_mutex_lock/unlock pairs on one thread
//   write  one-byte write(2)s to /dev/null on one thread
// Blocks are written once (memset), as programs write what they allocate.
// Prints "<mode> <ops> <cpu s> <ns per op> <cycles per op>": an op is a
// malloc/free pair, a request (strings), a lock/unlock pair or a write; CPU time
// (getrusage) and CPU cycles (perf_event_open, user and kernel, all threads;
// "-" where perf events are not allowed) of the whole process. Cycles do
// not move with the clock frequency, which on a shared host drifts by 20%
// from one minute to the next.
// HEAP_SHIFT bytes are allocated first and kept: where the blocks land moves
// the churn's cost by up to 2.2 cycles (3.5%) a pair on glibc (measured
// with shifts of 0-1000 bytes), and a profiler's own start-up allocations
// shift them too; heap_overhead.sh varies the shift across runs so that no
// configuration is measured on one lucky or unlucky layout.
// usage: malloc_workload MODE MILLION_OPS [HEAP_SHIFT]
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// A counter of this process's cycles, threads created later included, or -1.
int OpenCycleCounter() {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_HARDWARE;
  attr.config = PERF_COUNT_HW_CPU_CYCLES;
  attr.inherit = 1;
  attr.exclude_hv = 1;
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

int64_t Cycles(int counter) {
  int64_t n = -1;
  return counter >= 0 && read(counter, &n, sizeof(n)) == sizeof(n) ? n : -1;
}

uint64_t Next(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

// 16-128 bytes, or 16 B - 64 KiB log-uniform.
size_t Size(uint64_t r, bool mixed) { return mixed ? size_t{16} << (r % 13) : 16 + (r % 113); }

__attribute__((noinline)) void Churn(int64_t ops, bool mixed, uint64_t seed) {
  constexpr size_t kLive = 4096;
  std::vector<void*> ring(kLive, nullptr);
  for (int64_t i = 0; i < ops; ++i) {
    void*& slot = ring[static_cast<size_t>(i) % kLive];
    std::free(slot);
    size_t n = Size(Next(&seed), mixed);
    slot = std::malloc(n);
    std::memset(slot, 1, n);  // programs write what they allocate
  }
  for (void* p : ring) std::free(p);
}

std::string Key(int64_t request) { return "session:" + std::to_string(request * 2654435761) + ":user"; }

__attribute__((noinline)) void Strings(int64_t ops, uint64_t seed) {
  constexpr int64_t kLive = 4096;
  std::unordered_map<std::string, std::string> sessions;
  sessions.reserve(kLive);
  for (int64_t i = 0; i < ops; ++i) {
    sessions.emplace(Key(i), std::string(32 + Next(&seed) % 169, 'v'));
    if (i >= kLive) sessions.erase(Key(i - kLive));
  }
}

__attribute__((noinline)) void Locks(int64_t ops) {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  for (int64_t i = 0; i < ops; ++i) {
    pthread_mutex_lock(&mu);
    asm volatile("" ::: "memory");
    pthread_mutex_unlock(&mu);
  }
}

// write(2) of one byte to /dev/null: a system call libcpprof interposes
// (wait_interpose.cc) that never blocks.
__attribute__((noinline)) void Writes(int64_t ops) {
  int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  char c = 0;
  for (int64_t i = 0; i < ops; ++i) {
    if (write(fd, &c, 1) != 1) break;
  }
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: malloc_workload churn|mixed|mt|strings|lock|write MILLION_OPS [HEAP_SHIFT]\n");
    return 2;
  }
  void* volatile shift = std::malloc(argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 0);
  const char* mode = argv[1];
  int64_t ops = static_cast<int64_t>(std::atof(argv[2]) * 1e6);
  int counter = OpenCycleCounter();
  int64_t start_cycles = Cycles(counter);
  double start = CpuSeconds();
  if (std::strcmp(mode, "lock") == 0) {
    Locks(ops);
  } else if (std::strcmp(mode, "write") == 0) {
    Writes(ops);
  } else if (std::strcmp(mode, "strings") == 0) {
    Strings(ops, 88172645463325252ULL);
  } else if (std::strcmp(mode, "mt") == 0) {
    unsigned n = std::thread::hardware_concurrency();
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < n; ++t) threads.emplace_back(Churn, ops / n, false, 88172645463325252ULL + t);
    for (auto& t : threads) t.join();
  } else {
    Churn(ops, std::strcmp(mode, "mixed") == 0, 88172645463325252ULL);
  }
  double cpu = CpuSeconds() - start;
  int64_t cycles = Cycles(counter) - start_cycles;
  std::printf("%s %lld %.4f %.2f ", mode, static_cast<long long>(ops), cpu, cpu * 1e9 / static_cast<double>(ops));
  if (start_cycles >= 0 && cycles >= 0) {
    std::printf("%.2f\n", static_cast<double>(cycles) / static_cast<double>(ops));
  } else {
    std::printf("-\n");
  }
  std::free(shift);
  return 0;
}
