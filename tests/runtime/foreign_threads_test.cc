// Tests threads that libcpprof did not see being created
// (thread_registry.cc RescanForeignThreadsLocked, MappingAround): this
// program is not linked with libcpprof. Thread A starts before it dlopens the
// library, thread B after (through libc's pthread_create, which the dlopen'ed
// library cannot interpose). A is found at StartCPUProfile, B by the
// collector's rescan within a second; both get full stacks once their stack
// mapping is known.
//
// usage: foreign_threads_test LIBCPPROF.so
#include <dlfcn.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "cpprof/cpprof.h"
#include "profile/codec.h"

namespace {

std::atomic<bool> g_stop{false};

double ThreadCpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

__attribute__((noinline)) uint64_t SpinForeignA(uint64_t x) {
  for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ull + 1;
  return x;
}

__attribute__((noinline)) uint64_t SpinForeignB(uint64_t x) {
  for (int i = 0; i < 100000; ++i) x = x * 2862933555777941757ull + 3;
  return x;
}

template <uint64_t (*Spin)(uint64_t)>
__attribute__((noinline)) void RunForeign(double* cpu) {
  uint64_t x = 1;
  while (!g_stop) x = Spin(x);
  *cpu = ThreadCpuSeconds() + (x == 42 ? 1e-9 : 0);
}

// Sampled seconds of the stacks that contain `function` somewhere, and
// whether one of them also has RunForeign (the caller) in it.
double Sampled(const cpprof::Profile& p, const std::string& function, bool* deep) {
  double total = 0;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    bool has = false, caller = false;
    for (uint32_t loc : p.stack(p.samples[i])) {
      for (const cpprof::Line& line : p.lines_of(p.locations[loc])) {
        std::string_view name = p.str(p.functions[line.function].name);
        has |= name.find(function) != std::string_view::npos;
        caller |= name.find("RunForeign") != std::string_view::npos;
      }
    }
    if (has) total += p.values_of(i)[1] / 1e9;
    if (has && caller) *deep = true;
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  double cpu_a = 0, cpu_b = 0;
  std::thread a(RunForeign<SpinForeignA>, &cpu_a);
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  using StartFn = cpprof::Error (*)(int) noexcept;
  using StopFn = cpprof::Error (*)() noexcept;
  auto start = reinterpret_cast<StartFn>(dlsym(lib, "_ZN6cpprof15StartCPUProfileEi"));
  auto stop = reinterpret_cast<StopFn>(dlsym(lib, "_ZN6cpprof14StopCPUProfileEv"));
  if (start == nullptr || stop == nullptr) return 1;
  char path[] = "/tmp/cpprof-foreign-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || !start(fd).ok()) return 1;
  std::thread b(RunForeign<SpinForeignB>, &cpu_b);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  g_stop = true;
  a.join();
  b.join();
  if (!stop().ok()) return 1;
  std::string bytes(static_cast<size_t>(lseek(fd, 0, SEEK_END)), '\0');
  pread(fd, bytes.data(), bytes.size(), 0);
  close(fd);
  unlink(path);
  cpprof::Result<cpprof::Profile> p = cpprof::ParseProfile(bytes);
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", p.status().message().c_str());
    return 1;
  }
  bool deep_a = false, deep_b = false;
  double a_sampled = Sampled(*p, "SpinForeignA", &deep_a), b_sampled = Sampled(*p, "SpinForeignB", &deep_b);
  std::printf(
      "foreign threads: A (before dlopen) sampled %.2f s of %.2f s CPU; B (libc pthread_create) %.2f s of "
      "%.2f s\n",
      a_sampled, cpu_a, b_sampled, cpu_b);
  int failures = 0;
  // A's CPU before StartCPUProfile is not in the profile: it ran for a few ms.
  auto fail = [&failures](const char* what) {
    ++failures;
    std::puts(what);
  };
  if (a_sampled < 0.85 * cpu_a || a_sampled > 1.05 * cpu_a) fail("FAIL: A not sampled in full");
  // B is found by the rescan within ~1 s of its 2.5 s.
  if (b_sampled < 0.3 * cpu_b) fail("FAIL: B not picked up by the rescan");
  if (!deep_a || !deep_b) fail("FAIL: foreign stacks stop at the leaf");
  return failures == 0 ? 0 : 1;
}
