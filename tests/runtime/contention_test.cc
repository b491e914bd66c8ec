// Tests src/runtime/lock_interpose.cc, contention_profiler.cc and
// contention_format.cc through the public API: known contention (one holder,
// three waiters, a condition-variable wait) against the mutex and block
// profiles, blamed stacks and delays within +-20%.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "profile/codec.h"

namespace cpprof {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kHold = std::chrono::milliseconds(120);

std::mutex g_mu;
std::atomic<bool> g_held{false};
std::atomic<int> g_waiting{0};

int64_t Nanos(Clock::duration d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(); }

// Holds the lock while the waiters queue up: the mutex profile blames this
// function's unlock with their delay.
__attribute__((noinline)) Clock::time_point HoldLock(int waiters) {
  g_mu.lock();
  g_held.store(true);
  while (g_waiting.load() < waiters) std::this_thread::yield();
  std::this_thread::sleep_for(kHold);
  Clock::time_point released = Clock::now();
  g_mu.unlock();
  asm volatile("" ::: "memory");
  return released;
}

struct Wait {
  Clock::time_point start, acquired;
};

// Blocks on the held lock: the block profile blames this function.
__attribute__((noinline)) Wait WaitForLock() {
  Wait w;
  w.start = Clock::now();
  g_waiting.fetch_add(1);
  g_mu.lock();
  w.acquired = Clock::now();
  g_mu.unlock();
  asm volatile("" ::: "memory");
  return w;
}

__attribute__((noinline)) int64_t WaitOnCondition(std::condition_variable& cv, std::mutex& mu) {
  std::unique_lock lock(mu);
  Clock::time_point start = Clock::now();
  cv.wait_for(lock, std::chrono::milliseconds(80));
  return Nanos(Clock::now() - start);
}

// Sums the samples with a frame whose function name contains fn.
std::pair<int64_t, int64_t> ForFunction(const Profile& p, const std::string& fn) {
  int64_t count = 0, delay = 0;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    bool match = false;
    for (uint32_t loc : p.stack(p.samples[i])) {
      for (const Line& l : p.lines_of(p.locations[loc])) {
        match |= p.str(p.functions[l.function].name).find(fn) != std::string::npos;
      }
    }
    if (!match) continue;
    count += p.values_of(i)[0];
    delay += p.values_of(i)[1];
  }
  return {count, delay};
}

Profile Parse(const char* name) {
  std::ostringstream out;
  EXPECT_TRUE(Lookup(name)->WriteTo(out, 0).ok());
  Result<Profile> p = ParseProfile(out.str());
  EXPECT_TRUE(p.ok());
  return p.ok() ? std::move(*p) : Profile();
}

void ExpectNear(int64_t got, int64_t want, const char* what) {
  std::printf("%-26s profile %6.1f ms  measured %6.1f ms\n", what, got / 1e6, want / 1e6);
  EXPECT_GE(got, want * 0.8) << what;
  EXPECT_LE(got, want * 1.2) << what;
}

TEST(ContentionTest, MutexBlamesUnlockerAndBlockBlamesWaiter) {
  constexpr int kWaiters = 3;
  EXPECT_EQ(SetMutexProfileFraction(1), 0);
  SetBlockProfileRate(1);
  std::vector<Wait> waits(kWaiters);
  Clock::time_point released;
  std::thread holder([&] { released = HoldLock(kWaiters); });
  while (!g_held.load()) std::this_thread::yield();
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) waiters.emplace_back([&, i] { waits[i] = WaitForLock(); });
  for (auto& t : waiters) t.join();
  holder.join();
  std::condition_variable cv;
  std::mutex cv_mu;
  int64_t cv_wait = WaitOnCondition(cv, cv_mu);
  SetMutexProfileFraction(0);
  SetBlockProfileRate(0);

  // The holder's unlock is blamed for every waiter's wait until it released
  // the lock; a waiter blocked until it acquired the lock, which may be
  // later (the waiters take it in turn; 200 ms later on an overloaded machine).
  int64_t waited = 0, blocked = 0;
  for (const Wait& w : waits) {
    waited += Nanos(released - w.start);
    blocked += Nanos(w.acquired - w.start);
  }
  ASSERT_GT(waited, Nanos(kHold) * kWaiters / 2);

  Profile mutex = Parse("mutex");
  ASSERT_EQ(mutex.sample_types.size(), 2u);
  EXPECT_EQ(mutex.str(mutex.sample_types[1].type), "delay");
  ExpectNear(ForFunction(mutex, "HoldLock").second, waited, "mutex delay at HoldLock");
  EXPECT_EQ(ForFunction(mutex, "WaitOnCondition").second, 0);

  Profile block = Parse("block");
  auto [count, delay] = ForFunction(block, "WaitForLock");
  EXPECT_EQ(count, kWaiters);
  ExpectNear(delay, blocked, "block delay at WaitForLock");
  ExpectNear(ForFunction(block, "WaitOnCondition").second, cv_wait, "block delay at cond wait");

  std::ostringstream text;
  ASSERT_TRUE(Lookup("mutex")->WriteTo(text, 1).ok());
  EXPECT_TRUE(text.str().starts_with("--- mutex:\ncycles/second=1000000000\nsampling period=0\n")) << text.str();
  std::ostringstream block_text;
  ASSERT_TRUE(Lookup("block")->WriteTo(block_text, 1).ok());
  EXPECT_TRUE(block_text.str().starts_with("--- contention:\ncycles/second=1000000000\n"));
  EXPECT_NE(block_text.str().find("WaitForLock"), std::string::npos);
}

}  // namespace
}  // namespace cpprof
