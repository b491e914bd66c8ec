// Tests the wall-clock profiler end to end (src/runtime/wall_profiler.cc,
// wait_state.cc, wait_interpose.cc, lock_interpose.cc, thread_dump.cc):
// known answers for threads that sleep, wait in recv, wait for a contended
// mutex, block in a system call no hook sees and spin, each sampled with its
// state label at its own function.
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "profile/codec.h"
#include "profile/gzip.h"
#include "profile/validate.h"

namespace cpprof {
namespace {

std::atomic<bool> g_stop{false};
std::mutex g_held;

__attribute__((noinline)) void SleepForWallTest() {
  for (int i = 0; i < 100 && !g_stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) ssize_t RecvForWallTest(int fd) {
  char c;
  ssize_t n = recv(fd, &c, 1, 0);
  asm volatile("" ::: "memory");
  return n;
}

// A blocking read no hook sees (a raw system call): sampled through the
// dump signal, which SA_RESTART restarts the read after.
__attribute__((noinline)) long OtherForWallTest(int fd) {
  char c;
  long n = syscall(SYS_read, fd, &c, 1);
  asm volatile("" ::: "memory");
  return n;
}

__attribute__((noinline)) void LockForWallTest() {
  std::lock_guard lock(g_held);
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) uint64_t SpinForWallTest() {
  uint64_t x = 1;
  while (!g_stop.load(std::memory_order_relaxed)) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

struct Tally {
  int64_t samples = 0;
  int64_t wall_ns = 0;
  int64_t expected = 0;  // in the expected state with the expected function on the stack
};

bool HasFunction(const Profile& p, const Sample& s, const std::string& fn) {
  for (uint32_t loc : p.stack(s)) {
    for (const Line& l : p.lines_of(p.locations[loc])) {
      if (p.str(p.functions[l.function].name).find(fn) != std::string::npos) return true;
    }
  }
  return false;
}

std::string LabelValue(const Profile& p, const Sample& s, const std::string& key) {
  for (const Label& l : p.labels_of(s)) {
    if (p.str(l.key) == key) return std::string(p.str(l.str));
  }
  return "";
}

Profile ReadProfile(const std::string& path) {
  std::string bytes;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) bytes.append(buf, n);
    std::fclose(f);
  }
  Result<Profile> p = ParseProfile(bytes);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.status().message());
  return p.ok() ? std::move(*p) : Profile();
}

TEST(WallProfileTest, KnownAnswers) {
  constexpr double kSeconds = 1.5;
  constexpr int kHz = 100;
  int sv[2], other[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, other), 0);
  long other_read = 0;
  g_stop = false;
  g_held.lock();
  std::string path = ::testing::TempDir() + "/wall_known.pb.gz";
  SetWallProfileRate(kHz);
  // Workers start once the profile runs: a thread that entered a hooked
  // call before it is seen as `other` until its next call (the hooks
  // publish waits only while someone listens).
  ASSERT_TRUE(StartWallProfile(path).ok());
  std::vector<std::thread> threads;
  threads.emplace_back([] {
    ScopedLabels labels({{"worker", "sleep"}});
    SleepForWallTest();
  });
  threads.emplace_back([&] {
    ScopedLabels labels({{"worker", "network"}});
    RecvForWallTest(sv[0]);
  });
  threads.emplace_back([] {
    ScopedLabels labels({{"worker", "sync"}});
    LockForWallTest();
  });
  threads.emplace_back([&] {
    ScopedLabels labels({{"worker", "other"}});
    other_read = OtherForWallTest(other[0]);
  });
  threads.emplace_back([] {
    ScopedLabels labels({{"worker", "running"}});
    SpinForWallTest();
  });
  Error busy = StartWallProfile(::testing::TempDir() + "/wall_busy.pb.gz");
  EXPECT_EQ(busy.message, "wall profiling already in use");
  std::this_thread::sleep_for(std::chrono::duration<double>(kSeconds));
  ASSERT_TRUE(StopWallProfile().ok());
  g_stop = true;
  g_held.unlock();
  ASSERT_EQ(write(sv[1], "x", 1), 1);
  ASSERT_EQ(write(other[1], "y", 1), 1);
  for (auto& t : threads) t.join();
  EXPECT_EQ(other_read, 1) << "the dump signals ended the raw read early";
  for (int fd : {sv[0], sv[1], other[0], other[1]}) close(fd);

  Profile p = ReadProfile(path);
  ASSERT_EQ(p.sample_types.size(), 2u);
  EXPECT_EQ(p.str(p.sample_types[0].type), "samples");
  EXPECT_EQ(p.str(p.sample_types[1].type), "wall");
  EXPECT_EQ(p.str(p.sample_types[1].unit), "nanoseconds");
  EXPECT_EQ(p.period, 1000000000 / kHz);
  EXPECT_GT(p.duration_nanos, 0);
  const std::map<std::string, std::string> functions = {{"sleep", "SleepForWallTest"},
                                                        {"network", "RecvForWallTest"},
                                                        {"sync", "LockForWallTest"},
                                                        {"other", "OtherForWallTest"},
                                                        {"running", "SpinForWallTest"}};
  std::map<std::string, Tally> tally;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    std::string worker = LabelValue(p, s, "worker");
    if (worker.empty()) continue;
    Tally& t = tally[worker];
    t.samples += p.values_of(i)[0];
    t.wall_ns += p.values_of(i)[1];
    if (LabelValue(p, s, "state") == worker && HasFunction(p, s, functions.at(worker))) t.expected += p.values_of(i)[0];
  }
  double want = kSeconds * kHz;
  for (const auto& [worker, fn] : functions) {
    const Tally& t = tally[worker];
    std::printf("%-8s %4lld samples (want ~%.0f), %5.1f%% in state %s at %s, wall %.3f s\n", worker.c_str(),
                static_cast<long long>(t.samples), want, t.samples ? 100.0 * t.expected / t.samples : 0.0,
                worker.c_str(), fn.c_str(), t.wall_ns / 1e9);
    EXPECT_GE(t.samples, want * 0.75) << worker;
    EXPECT_LE(t.samples, want * 1.25) << worker;
    EXPECT_GE(t.expected, t.samples * 0.75) << worker;
    EXPECT_NEAR(t.wall_ns / 1e9, kSeconds, kSeconds * 0.25) << worker;
  }
}

// The system call glibc's epoll_wait makes.
#ifdef SYS_epoll_wait
constexpr long kEpollWaitCall = SYS_epoll_wait;
#else
constexpr long kEpollWaitCall = SYS_epoll_pwait;
#endif

// What /proc/self/task/<tid>/syscall says the thread is in: a number, -1
// or "running".
std::string SyscallOf(pid_t tid) {
  std::string s;
  if (FILE* f = std::fopen(("/proc/self/task/" + std::to_string(tid) + "/syscall").c_str(), "r")) {
    char buf[64];
    if (std::fgets(buf, sizeof(buf), f) != nullptr) s = buf;
    std::fclose(f);
  }
  return s.substr(0, s.find(' '));
}

// A thread already in epoll_wait when the profile starts published no wait;
// a signal would end its epoll_wait with EINTR (never restarted). It is
// counted without one, as network, with the call as its stack.
TEST(WallProfileTest, CallEnteredBeforeTheProfileIsNotInterrupted) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int ev = eventfd(0, EFD_CLOEXEC);
  ASSERT_GE(ep, 0);
  ASSERT_GE(ev, 0);
  epoll_event e{};
  e.events = EPOLLIN;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e), 0);
  std::atomic<pid_t> tid{0};
  int rc = 0, err = 0;
  std::thread waiter([&] {
    ScopedLabels labels({{"worker", "early"}});
    tid = static_cast<pid_t>(syscall(SYS_gettid));
    epoll_event out;
    rc = epoll_wait(ep, &out, 1, -1);
    err = errno;
  });
  while (tid.load() == 0 || SyscallOf(tid.load()) != std::to_string(kEpollWaitCall)) std::this_thread::yield();
  std::string path = ::testing::TempDir() + "/wall_early.pb.gz";
  SetWallProfileRate(100);
  ASSERT_TRUE(StartWallProfile(path).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(StopWallProfile().ok());
  uint64_t one = 1;
  ASSERT_EQ(write(ev, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  waiter.join();
  EXPECT_EQ(rc, 1) << "epoll_wait ended early: " << std::strerror(err);
  close(ep);
  close(ev);

  Profile p = ReadProfile(path);
  int64_t samples = 0, expected = 0;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    if (LabelValue(p, s, "worker") != "early") continue;
    samples += p.values_of(i)[0];
    if (LabelValue(p, s, "state") == "network" && HasFunction(p, s, "epoll_wait")) expected += p.values_of(i)[0];
  }
  std::printf("early epoll_wait: %lld samples, %lld as network at epoll_wait\n", static_cast<long long>(samples),
              static_cast<long long>(expected));
  EXPECT_GE(samples, 50 * 0.75);
  EXPECT_GE(expected, samples * 0.75);
}

TEST(WallProfileTest, StopWithoutStartFails) { EXPECT_EQ(StopWallProfile().message, "wall profiling is not running"); }

}  // namespace
}  // namespace cpprof
