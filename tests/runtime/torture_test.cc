// Torture test of the runtime (cpu_profiler.cc, signal_handler.cc,
// thread_registry.cc, interpose.cc, thread_dump.cc): a 1 kHz CPU profile
// while the program throws C++ exceptions, dlopens and dlcloses a library,
// forks (children do work and create a thread) and fork+execs, creates and
// exits about 1,000 threads per second, storms malloc (every allocation
// sampled: heap profiling at rate 1, blocks checked for corruption), storms
// mutexes and a condition variable (mutex and block profiling on, every
// event), and has its own SIGPROF handler (installed before cpprof's, so
// cpprof forwards to it). Thread dumps and heap, mutex and block profiles
// are written meanwhile. Passes when nothing crashes or deadlocks (an alarm
// kills a hung run), every child exits 0, no allocation was lost or
// corrupted, no locked update was lost, the application's handler saw its
// own signals, and the profiles parse and validate.
//
// usage: torture_test PLUGIN.so [seconds (default 10; CI bound 60)]
#include <dlfcn.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "profile/codec.h"

namespace {

std::atomic<bool> g_stop{false};
std::atomic<long> g_app_signals{0};
std::atomic<long> g_failures{0};

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void AppSigprof(int) { g_app_signals.fetch_add(1, std::memory_order_relaxed); }

void Fail(const char* what) {
  std::fprintf(stderr, "torture: FAIL %s\n", what);
  g_failures.fetch_add(1);
}

__attribute__((noinline)) void ThrowDeep(int depth) {
  if (depth == 0) throw std::runtime_error("torture");
  ThrowDeep(depth - 1);
}

void Exceptions(long* count) {
  while (!g_stop) {
    try {
      ThrowDeep(8);
    } catch (const std::runtime_error&) {
      ++*count;
    }
  }
}

void DlopenLoop(const char* plugin, long* count) {
  uint64_t x = 1;
  while (!g_stop) {
    void* h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      Fail(dlerror());
      return;
    }
    auto fn = reinterpret_cast<uint64_t (*)(uint64_t)>(dlsym(h, "TorturePluginWork"));
    if (fn != nullptr) x = fn(x);
    dlclose(h);
    ++*count;
  }
  if (x == 42) std::puts("");
}

void ForkLoop(long* count) {
  while (!g_stop) {
    pid_t pid = fork();
    if (pid == 0) {
      // The child: some CPU work and a thread (through cpprof's pthread_create),
      // then _exit: exit() in the child of a multithreaded parent can hang on
      // glibc's atexit lock if the fork caught another thread in dlclose.
      volatile uint64_t x = 0;
      for (int i = 0; i < 200000; ++i) x = x + i;
      std::thread([] {}).join();
      _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      Fail("fork child did not exit 0");
    }
    pid = fork();
    if (pid == 0) {
      execl("/bin/true", "true", static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      Fail("fork+exec child did not exit 0");
    }
    *count += 2;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// About 1,000 threads per second: 10 every 10 ms (batches, so that a late
// wake-up on a loaded machine does not lower the rate), each spinning briefly.
void ThreadChurn(long* count) {
  auto next = std::chrono::steady_clock::now();
  while (!g_stop) {
    next += std::chrono::milliseconds(10);
    std::vector<std::thread> batch;
    for (int i = 0; i < 10; ++i) {
      batch.emplace_back([] {
        volatile uint64_t x = 0;
        for (int j = 0; j < 20000; ++j) x = x + j;
      });
    }
    for (auto& t : batch) t.join();
    *count += 10;
    std::this_thread::sleep_until(next);
  }
}

// Every block starts and ends with its tag (its size): checked before it is
// freed or grown, so a block the sampler moved, lost or overlapped shows.
struct Block {
  unsigned char* p = nullptr;
  size_t size = 0;
};

void Tag(const Block& b) {
  std::memcpy(b.p, &b.size, sizeof(b.size));
  std::memcpy(b.p + b.size - sizeof(b.size), &b.size, sizeof(b.size));
}

bool TagIntact(const Block& b) {
  size_t head, tail;
  std::memcpy(&head, b.p, sizeof(head));
  std::memcpy(&tail, b.p + b.size - sizeof(tail), sizeof(tail));
  return head == b.size && tail == b.size;
}

void MallocStorm(long* count) {
  std::vector<Block> live(4096);
  uint64_t r = 88172645463325252ull;
  while (!g_stop) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    Block& b = live[r % live.size()];
    if (b.p != nullptr && !TagIntact(b)) Fail("a heap block lost its contents");
    size_t size = 16 + (r >> 20) % 16384;
    switch ((r >> 40) % 4) {
      case 0:  // realloc keeps the prefix
        b.p = static_cast<unsigned char*>(std::realloc(b.p, size));
        if (b.p != nullptr && b.size >= sizeof(size_t) && std::memcmp(b.p, &b.size, sizeof(b.size)) != 0) {
          Fail("realloc lost a block's contents");
        }
        break;
      case 1:
        std::free(b.p);
        b.p = static_cast<unsigned char*>(std::calloc(1, size));
        if (b.p != nullptr && (b.p[size / 2] != 0 || b.p[size - 1] != 0)) Fail("calloc returned dirty memory");
        break;
      default:
        std::free(b.p);
        b.p = static_cast<unsigned char*>(std::malloc(size));
    }
    if (b.p == nullptr) {
      Fail("allocation failed");
      continue;
    }
    b.size = size;
    Tag(b);
    ++*count;
  }
  for (Block& b : live) std::free(b.p);
}

// Contended mutexes and a condition variable, every event profiled: counts
// must come out exact.
std::mutex g_storm_mu[3];
std::condition_variable g_storm_cv;
long g_storm_counts[3] = {0, 0, 0};

void MutexStorm(long* count) {
  for (long i = 0; !g_stop; ++i) {
    std::unique_lock lock(g_storm_mu[i % 3]);
    ++g_storm_counts[i % 3];
    if (i % 64 == 0) g_storm_cv.wait_for(lock, std::chrono::microseconds(50));
    if (i % 64 == 1) g_storm_cv.notify_all();
    ++*count;
  }
}

// The application's own SIGPROF traffic: cpprof must pass it on.
void AppSignals(long* count) {
  while (!g_stop) {
    raise(SIGPROF);
    ++*count;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: torture_test PLUGIN.so [seconds]\n");
    return 2;
  }
  const char* plugin = argv[1];
  int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
  alarm(static_cast<unsigned>(seconds * 3 + 30));  // a deadlock ends in SIGALRM, a failure
  signal(SIGPROF, AppSigprof);

  cpprof::SetCPUProfileRate(1000);
  cpprof::SetMemProfileRate(1);
  cpprof::SetMutexProfileFraction(1);
  cpprof::SetBlockProfileRate(1);
  std::ostringstream out;
  double cpu0 = CpuSeconds();
  if (cpprof::Error e = cpprof::StartCPUProfile(out); !e.ok()) {
    std::fprintf(stderr, "torture: %s\n", e.message.c_str());
    return 1;
  }
  long exceptions = 0, dlopens = 0, forks = 0, threads = 0, mallocs = 0, app_raised = 0;
  std::vector<std::thread> workers;
  workers.emplace_back(Exceptions, &exceptions);
  workers.emplace_back(DlopenLoop, plugin, &dlopens);
  workers.emplace_back(ForkLoop, &forks);
  workers.emplace_back(ThreadChurn, &threads);
  workers.emplace_back(MallocStorm, &mallocs);
  workers.emplace_back(AppSignals, &app_raised);
  constexpr int kLockers = 3;
  long locked[kLockers] = {0, 0, 0};
  for (long& n : locked) workers.emplace_back(MutexStorm, &n);
  long dumps = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    std::ostringstream dump;
    if (!cpprof::Lookup("goroutine")->WriteTo(dump, 2).ok()) Fail("thread dump");
    for (const char* name : {"heap", "mutex", "block"}) {
      std::ostringstream proto;
      if (!cpprof::Lookup(name)->WriteTo(proto, 0).ok() || !cpprof::ParseProfile(proto.str()).ok()) Fail(name);
    }
    ++dumps;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  g_stop = true;
  for (auto& t : workers) t.join();
  double cpu = CpuSeconds() - cpu0;
  long lock_ops = 0;
  for (long n : locked) lock_ops += n;
  if (g_storm_counts[0] + g_storm_counts[1] + g_storm_counts[2] != lock_ops) Fail("a locked update was lost");
  cpprof::SetMutexProfileFraction(0);
  cpprof::SetBlockProfileRate(0);
  if (cpprof::Error e = cpprof::StopCPUProfile(); !e.ok()) Fail(e.message.c_str());

  if (const char* keep = std::getenv("TORTURE_PROFILE")) {  // to inspect a run by hand
    FILE* f = std::fopen(keep, "w");
    if (f != nullptr) std::fwrite(out.str().data(), 1, out.str().size(), f), std::fclose(f);
  }
  cpprof::Result<cpprof::Profile> p = cpprof::ParseProfile(out.str());
  if (!p.ok()) {
    Fail(p.status().message().c_str());
  }
  double sampled = 0;
  for (size_t i = 0; p.ok() && i < p->samples.size(); ++i) sampled += p->values_of(i)[1] / 1e9;
  // Loose: thread dumps, forks and exits happen under the timers, and CPU of
  // threads that live for a fraction of a period is sampled only on average.
  if (sampled < 0.5 * cpu) Fail("the profile accounts for less than half of the CPU time");
  if (g_app_signals.load() < app_raised) Fail("the application's SIGPROF handler missed its own signals");
  std::printf(
      "torture: %d s at 1 kHz: %ld exceptions, %ld dlopen/dlclose, %ld fork(+exec) children, %ld threads, "
      "%ld mallocs (all sampled), %ld lock/unlock, %ld app SIGPROFs (handler saw %ld), %ld thread dumps; profile: %zu stacks, %.2f s sampled of "
      "%.2f s CPU; %ld failure(s)\n",
      seconds, exceptions, dlopens, forks, threads, mallocs, lock_ops, app_raised, g_app_signals.load(), dumps,
      p.ok() ? p->samples.size() : 0, sampled, cpu, g_failures.load());
  return g_failures.load() == 0 ? 0 : 1;
}
