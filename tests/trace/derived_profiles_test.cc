#include "trace/derived_profiles.h"

#include <gtest/gtest.h>

#include <map>

#include "profile/codec.h"
#include "trace/thread_summary.h"
#include "trace/trace_format.h"
#include "trace/trace_reader.h"
#include "trace_builder.h"

namespace cpprof::trace {
namespace {

constexpr int64_t kStart = 1 * kSec;

TraceModel Read(const std::string& bytes) {
  Result<TraceModel> r = ReadTrace(bytes);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return std::move(r).value();
}

TraceModel KnownTrace() {
  TraceBuilderForTesting b(kStart);
  uint64_t lock = b.Stack({"main", "Work", "Lock"});
  uint64_t recv = b.Stack({"main", "Serve", "Recv"});
  uint64_t spin = b.Stack({"main", "Work", "Spin"});
  uint64_t a = b.Thread(1, "a");
  b.Counters(a, 300 * kMs, 0);
  b.Sample(a, kStart + 10 * kMs, spin);
  b.Sample(a, kStart + 20 * kMs, spin);
  b.Sample(a, kStart + 30 * kMs, lock);
  b.Wait(a, kStateSync, "pthread_mutex_lock", kStart + 100 * kMs, kStart + 200 * kMs, lock);
  b.Wait(a, kStateSync, "pthread_mutex_lock", kStart + 300 * kMs, kStart + 350 * kMs, lock);
  b.Wait(a, kStateNetwork, "recv", kStart + 400 * kMs, kStart + 700 * kMs, recv);
  b.Wait(a, kStateSched, "preempted", kStart + 800 * kMs, kStart + 820 * kMs);
  uint64_t c = b.Thread(2, "c");  // no samples
  b.Wait(c, kStateSched, "preempted", kStart + 100 * kMs, kStart + 110 * kMs);
  b.Wait(c, kStateSyscall, "read", kStart + 100 * kMs, kStart + 150 * kMs);
  return Read(b.Finish(kStart + 1 * kSec));
}

// Each sample's leaf-first function names joined by ";", with its values.
std::map<std::string, std::vector<int64_t>> Samples(const Profile& p, std::string_view label_key = {}) {
  std::map<std::string, std::vector<int64_t>> out;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    std::string key;
    for (uint32_t loc : p.stack(p.samples[i])) {
      for (const Line& l : p.lines_of(p.locations[loc])) key += std::string(p.str(p.functions[l.function].name)) + ";";
    }
    for (const Label& l : p.labels_of(p.samples[i])) {
      if (p.str(l.key) == label_key) key += "[" + std::string(p.str(l.str)) + "]";
    }
    std::vector<int64_t>& v = out[key];
    v.resize(p.num_types());
    for (size_t k = 0; k < p.num_types(); ++k) v[k] += p.values_of(i)[k];
  }
  return out;
}

TEST(DerivedProfiles, GoShape) {
  TraceModel m = KnownTrace();
  Profile p = BuildDerivedProfile(m, DerivedKind::kSync);
  EXPECT_EQ(p.str(p.period_type.type), "trace");
  EXPECT_EQ(p.str(p.period_type.unit), "count");
  EXPECT_EQ(p.period, 1);
  EXPECT_EQ(p.time_nanos, 1700000000 * kSec + kStart);
  EXPECT_EQ(p.duration_nanos, 1 * kSec);
  ASSERT_EQ(p.sample_types.size(), 2u);
  EXPECT_EQ(p.str(p.sample_types[0].type), "contentions");
  EXPECT_EQ(p.str(p.sample_types[0].unit), "count");
  EXPECT_EQ(p.str(p.sample_types[1].type), "delay");
  EXPECT_EQ(p.str(p.sample_types[1].unit), "nanoseconds");
  // Two waits at one stack: one sample, as Go merges them.
  auto samples = Samples(p);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples["Lock;Work;main;"], (std::vector<int64_t>{2, 150 * kMs}));
  // Functions are keyed by name and file: "Work" at two depths is one function.
  Result<Profile> back = ParseProfile(WriteProfile(p));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->samples.size(), 1u);
}

TEST(DerivedProfiles, NetSyscallSched) {
  TraceModel m = KnownTrace();
  EXPECT_EQ(Samples(BuildDerivedProfile(m, DerivedKind::kNet)),
            (std::map<std::string, std::vector<int64_t>>{{"Recv;Serve;main;", {1, 300 * kMs}}}));
  // A wait without a stack is put at a frame naming the thread.
  EXPECT_EQ(Samples(BuildDerivedProfile(m, DerivedKind::kSyscall)),
            (std::map<std::string, std::vector<int64_t>>{{"thread c;", {1, 50 * kMs}}}));
  // Sched waits at the latest sample before them (a's last: Lock), else the thread.
  EXPECT_EQ(
      Samples(BuildDerivedProfile(m, DerivedKind::kSched)),
      (std::map<std::string, std::vector<int64_t>>{{"Lock;Work;main;", {1, 20 * kMs}}, {"thread c;", {1, 10 * kMs}}}));
}

TEST(DerivedProfiles, WallAddsUpToEachThreadsWallTime) {
  TraceModel m = KnownTrace();
  Profile p = BuildDerivedProfile(m, DerivedKind::kWall);
  EXPECT_EQ(p.str(p.sample_types[0].type), "samples");
  EXPECT_EQ(p.str(p.sample_types[1].type), "wall");
  EXPECT_EQ(p.str(p.sample_types[1].unit), "nanoseconds");
  auto by_state = Samples(p, "state");
  // a: 300 ms on CPU over 3 samples, 100 ms each (Spin twice, Lock once).
  EXPECT_EQ(by_state["Spin;Work;main;[running]"], (std::vector<int64_t>{2, 200 * kMs}));
  EXPECT_EQ(by_state["Lock;Work;main;[running]"], (std::vector<int64_t>{1, 100 * kMs}));
  EXPECT_EQ(by_state["Lock;Work;main;[sync]"], (std::vector<int64_t>{2, 150 * kMs}));
  EXPECT_EQ(by_state["Recv;Serve;main;[network]"], (std::vector<int64_t>{1, 300 * kMs}));
  EXPECT_EQ(by_state["Lock;Work;main;[sched]"], (std::vector<int64_t>{1, 20 * kMs}));
  // a's unknown time (1 s - 300 - 150 - 300 - 20 ms) at its last sample.
  EXPECT_EQ(by_state["Lock;Work;main;[unknown]"], (std::vector<int64_t>{1, 230 * kMs}));
  // c: the sched wait overlaps the read and counts only outside it.
  EXPECT_EQ(by_state["thread c;[syscall]"], (std::vector<int64_t>{1, 50 * kMs}));
  EXPECT_EQ(by_state.count("thread c;[sched]"), 0u);
  EXPECT_EQ(by_state["thread c;[unknown]"], (std::vector<int64_t>{1, 950 * kMs}));
  auto by_thread = Samples(p, "thread");
  std::map<std::string, int64_t> wall;
  for (const auto& [key, v] : by_thread) wall[key.substr(key.rfind('['))] += v[1];
  ThreadSummary s = SummarizeThreads(m);
  EXPECT_EQ(wall["[a]"], s.threads[0].wall);
  EXPECT_EQ(wall["[c]"], s.threads[1].wall);
  Result<Profile> back = ParseProfile(WriteProfile(p));
  ASSERT_TRUE(back.ok()) << back.status().message();
}

TEST(DerivedProfiles, Kinds) {
  for (std::string_view name : {"net", "sync", "syscall", "sched", "wall"}) {
    std::optional<DerivedKind> k = ParseDerivedKind(name);
    ASSERT_TRUE(k.has_value()) << name;
    EXPECT_EQ(DerivedKindName(*k), name);
  }
  EXPECT_FALSE(ParseDerivedKind("io").has_value());
}

}  // namespace
}  // namespace cpprof::trace
