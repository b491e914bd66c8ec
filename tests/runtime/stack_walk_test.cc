// The cached-rule unwinder against libgcc's, on stacks through the test's
// own code, libstdc++ and libc (built without frame pointers), to the
// outermost frame, and through a library loaded where another was
// unloaded; and CaptureCurrentStack on stacks the rules cannot follow (a
// signal frame, stack realignment).
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/stack_walk.h"

namespace cpprof::runtime {
namespace {

struct Stacks {
  std::vector<uintptr_t> rules, libgcc, captured;
  int rules_count = 0;  // -1: the rules gave up; -2: they differ with and without bounds
};

constexpr int kMax = 128;

// The calling thread's stack, as the thread registry records it.
StackBounds ThisThreadsStack() {
  pthread_attr_t attr;
  void* lo = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return {};
  pthread_attr_getstack(&attr, &lo, &size);
  pthread_attr_destroy(&attr);
  return {reinterpret_cast<uintptr_t>(lo), reinterpret_cast<uintptr_t>(lo) + size};
}

// Both unwinders from the same function, skipping its frame: equal lists,
// with the stack's bounds known or not.
__attribute__((noinline)) Stacks CaptureAll() {
  Stacks s;
  s.rules.resize(kMax);
  s.libgcc.resize(kMax);
  s.captured.resize(kMax);
  std::vector<uintptr_t> bounded(kMax);
  StackBounds bounds = ThisThreadsStack();
  s.rules_count = UnwindWithFrameRules({}, 1, s.rules.data(), kMax);
  int bounded_count = UnwindWithFrameRules(bounds, 1, bounded.data(), kMax);
  s.rules.resize(s.rules_count < 0 ? 0 : s.rules_count);
  bounded.resize(bounded_count < 0 ? 0 : bounded_count);
  if (bounded != s.rules || bounded_count != s.rules_count) s.rules_count = -2;  // a mismatch the checks report
  s.libgcc.resize(UnwindWithLibgcc(1, s.libgcc.data(), kMax));
  s.captured.resize(CaptureCurrentStack(bounds, 1, s.captured.data(), kMax));
  return s;
}

__attribute__((noinline)) Stacks Recurse(int depth, Stacks (*leaf)()) {
  if (depth == 0) return leaf();
  Stacks s = Recurse(depth - 1, leaf);
  asm volatile("" ::: "memory");  // no tail call: every level keeps its frame
  return s;
}

void ExpectSame(const Stacks& s, bool rules_must_work) {
  ASSERT_FALSE(s.libgcc.empty());
  if (rules_must_work) {
    ASSERT_GE(s.rules_count, 0);
    EXPECT_EQ(s.rules, s.libgcc);
  }
  EXPECT_EQ(s.captured, s.libgcc);
}

TEST(StackWalkTest, RulesMatchLibgccThroughTheTestsOwnFrames) {
  Stacks s = Recurse(20, CaptureAll);
  ExpectSame(s, true);
  EXPECT_GE(s.libgcc.size(), 21u);
  // A second walk is served from the cache, and must agree too.
  ExpectSame(Recurse(20, CaptureAll), true);
}

TEST(StackWalkTest, RulesMatchLibgccThroughLibstdcxxAndLibcToTheOutermostFrame) {
  // std::thread runs the function from libstdc++'s execute_native_thread_routine,
  // called by libc's start_thread, called by clone3 (return address undefined).
  Stacks s;
  std::thread([&] { s = Recurse(3, CaptureAll); }).join();
  ExpectSame(s, true);
  // std::call_once goes through libc's pthread_once and libstdc++'s __once_proxy.
  std::once_flag once;
  std::call_once(once, [&] { s = Recurse(2, CaptureAll); });
  ExpectSame(s, true);
}

TEST(StackWalkTest, RulesAgreeWhenThreadsRaceOnTheCache) {
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Stacks s = Recurse((t + i) % 30, CaptureAll);
        if (s.rules_count < 0 || s.rules != s.libgcc || s.captured != s.libgcc) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

Stacks g_in_handler;
void CaptureInHandler(int) { g_in_handler = Recurse(2, CaptureAll); }

TEST(StackWalkTest, SignalFrameGoesToLibgcc) {
  struct sigaction sa = {}, old = {};
  sa.sa_handler = CaptureInHandler;
  sigaction(SIGUSR2, &sa, &old);
  Recurse(3, [] {
    raise(SIGUSR2);
    return Stacks{};
  });
  sigaction(SIGUSR2, &old, nullptr);
  // libgcc walks through the kernel's signal frame into Recurse; the rules
  // stop there and leave the stack to libgcc.
  ExpectSame(g_in_handler, false);
  EXPECT_GT(g_in_handler.libgcc.size(), 8u);
}

__attribute__((noinline)) Stacks RealignedFrame() {
  alignas(64) volatile char block[64] = {};
  block[0] = 1;
  Stacks s = CaptureAll();
  s.libgcc.push_back(block[0]);  // keeps the block (and the realignment) alive
  s.captured.push_back(block[0]);
  return s;
}

TEST(StackWalkTest, RealignedStackStillMatchesLibgcc) { ExpectSame(Recurse(2, RealignedFrame), false); }

TEST(StackWalkTest, RulesFollowALibraryLoadedWhereAnotherWasUnloaded) {
  std::vector<uintptr_t> addresses;
  for (const char* path : {UNWIND_PLUGIN_SMALL, UNWIND_PLUGIN_LARGE, UNWIND_PLUGIN_SMALL}) {
    void* lib = dlopen(path, RTLD_NOW);
    ASSERT_NE(lib, nullptr) << dlerror();
    auto call = reinterpret_cast<void* (*)(void* (*)(void*), void*)>(dlsym(lib, "CallThrough"));
    ASSERT_NE(call, nullptr);
    addresses.push_back(reinterpret_cast<uintptr_t>(call));
    Stacks s;
    call(
        [](void* out) -> void* {
          *static_cast<Stacks*>(out) = CaptureAll();
          return nullptr;
        },
        &s);
    ExpectSame(s, true);
    dlclose(lib);
  }
  // The proof needs the loader to reuse the address, as glibc's mmap does.
  EXPECT_EQ(addresses[0], addresses[1]);
}

// What a JIT calls around code it writes: forwarded to libgcc (an empty
// list, a zero word, registers nothing) and the rules are recomputed after.
TEST(StackWalkTest, FrameRegistrationIsForwardedAndRulesStillMatch) {
  ExpectSame(Recurse(5, CaptureAll), true);
  alignas(8) static uint32_t empty_eh_frame[2] = {0, 0};
  for (const char* name : {"__register_frame", "__deregister_frame"}) {
    auto fn = reinterpret_cast<void (*)(void*)>(dlsym(RTLD_DEFAULT, name));
    ASSERT_NE(fn, nullptr) << name;
    fn(empty_eh_frame);
    ExpectSame(Recurse(5, CaptureAll), true);
  }
}

}  // namespace
}  // namespace cpprof::runtime
