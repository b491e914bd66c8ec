#include "trace/thread_summary.h"

#include <gtest/gtest.h>

#include "trace/summary_table.h"
#include "trace/trace_format.h"
#include "trace/trace_reader.h"
#include "trace_builder.h"

namespace cpprof::trace {
namespace {

TraceModel Read(const std::string& bytes) {
  Result<TraceModel> r = ReadTrace(bytes);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return std::move(r).value();
}

int64_t Sum(const ThreadTimes& t) { return t.on_cpu + t.sched + t.sync + t.network + t.syscall + t.sleep + t.unknown; }

constexpr int64_t kStart = 1 * kSec;

// Threads over a 2 s trace with known answers.
std::string KnownTrace() {
  TraceBuilderForTesting b(kStart);
  // 10 x 100 ms of sleep, 500 ms on CPU.
  uint64_t sleeper = b.Thread(10, "sleeper", "SleepLoop");
  b.Counters(sleeper, 500 * kMs, 0);
  for (int i = 0; i < 10; ++i)
    b.Wait(sleeper, kStateSleep, "nanosleep", kStart + i * 150 * kMs, kStart + i * 150 * kMs + 100 * kMs);
  // 300 ms in recv; sched slices of 3 x 50 ms, one half inside a 40 ms lock wait.
  uint64_t net = b.Thread(11, "net", "NetLoop");
  b.Counters(net, 1 * kSec, 0);
  b.Wait(net, kStateNetwork, "recv", kStart + 100 * kMs, kStart + 400 * kMs, 0, 7);
  b.Wait(net, kStateSched, "preempted", kStart + 500 * kMs, kStart + 550 * kMs);
  b.Wait(net, kStateSched, "preempted", kStart + 600 * kMs, kStart + 650 * kMs);
  b.Wait(net, kStateSync, "pthread_mutex_lock", kStart + 700 * kMs, kStart + 740 * kMs);
  b.Wait(net, kStateSched, "preempted", kStart + 720 * kMs, kStart + 770 * kMs);
  // Overlapping waits count once, to the earlier; a wait before the thread
  // started is clipped; the thread lives [0.5 s, 1.5 s].
  uint64_t late = b.Thread(12, "late", "LateMain", kStart + 500 * kMs);
  b.Counters(late, 5 * kSec, 0);  // more CPU than it could have: capped
  b.Wait(late, kStateSyscall, "read", kStart + 400 * kMs, kStart + 700 * kMs);
  b.Wait(late, kStateSync, "pthread_cond_wait", kStart + 600 * kMs, kStart + 900 * kMs);
  b.Exit(late, kStart + 1500 * kMs);
  // No counters, no waits: all unknown.
  b.Thread(13, "idle");
  return b.Finish(kStart + 2 * kSec);
}

TEST(ThreadSummary, KnownAnswers) {
  TraceModel m = Read(KnownTrace());
  ThreadSummary s = SummarizeThreads(m);
  ASSERT_EQ(s.threads.size(), 4u);
  const ThreadTimes& sleeper = s.threads[0];
  EXPECT_EQ(sleeper.wall, 2 * kSec);
  EXPECT_EQ(sleeper.sleep, 1 * kSec);
  EXPECT_EQ(sleeper.on_cpu, 500 * kMs);
  EXPECT_EQ(sleeper.unknown, 500 * kMs);

  const ThreadTimes& net = s.threads[1];
  EXPECT_EQ(net.network, 300 * kMs);
  EXPECT_EQ(net.sync, 40 * kMs);
  EXPECT_EQ(net.sched, 50 * kMs + 50 * kMs + 30 * kMs);  // the third minus its 20 ms inside the lock wait
  EXPECT_EQ(net.on_cpu, 1 * kSec);
  EXPECT_EQ(net.unknown, 2 * kSec - 300 * kMs - 40 * kMs - 130 * kMs - 1 * kSec);

  const ThreadTimes& late = s.threads[2];
  EXPECT_EQ(late.wall, 1 * kSec);
  EXPECT_EQ(late.syscall, 200 * kMs);  // [0.5, 0.7]: clipped to the thread's start
  EXPECT_EQ(late.sync, 200 * kMs);     // [0.7, 0.9]: its first 100 ms went to the read
  EXPECT_EQ(late.on_cpu, 600 * kMs);   // capped at wall - waits
  EXPECT_EQ(late.unknown, 0);

  EXPECT_EQ(s.threads[3].unknown, 2 * kSec);
  for (const ThreadTimes& t : s.threads) EXPECT_EQ(Sum(t), t.wall);
}

TEST(ThreadSummary, SchedstatRunDelay) {
  TraceBuilderForTesting b(kStart, kSchedSourceSchedstat);
  uint64_t t = b.Thread(1, "main");
  b.Counters(t, 300 * kMs, 120 * kMs);
  b.Wait(t, kStateSched, "preempted", kStart, kStart + 500 * kMs);  // not counted: the counter is the source
  b.Wait(t, kStateSleep, "nanosleep", kStart, kStart + 900 * kMs);
  uint64_t busy = b.Thread(2, "busy");
  b.Counters(busy, 900 * kMs, 400 * kMs);  // more than the window: sched first, then CPU, capped
  TraceModel m = Read(b.Finish(kStart + 1 * kSec));
  ThreadSummary s = SummarizeThreads(m);
  EXPECT_EQ(s.threads[0].sched, 100 * kMs);  // capped at wall - waits
  EXPECT_EQ(s.threads[0].on_cpu, 0);
  EXPECT_EQ(s.threads[1].sched, 400 * kMs);
  EXPECT_EQ(s.threads[1].on_cpu, 600 * kMs);
  for (const ThreadTimes& times : s.threads) EXPECT_EQ(Sum(times), times.wall);
}

TEST(ThreadSummary, GroupsByNameAndStartRoutine) {
  TraceBuilderForTesting b(kStart);
  b.Thread(3, "worker", "WorkerMain", kStart);
  b.Thread(2, "worker", "WorkerMain", kStart + 500 * kMs);
  b.Thread(4, "worker", "OtherMain", kStart);
  b.Thread(1, "main");
  TraceModel m = Read(b.Finish(kStart + 1 * kSec));
  ThreadSummary s = SummarizeThreads(m);
  ASSERT_EQ(s.groups.size(), 3u);
  EXPECT_EQ(m.str(s.groups[0].name), "worker");  // 1.5 s in all: first
  EXPECT_EQ(m.str(s.groups[0].start_routine), "WorkerMain");
  EXPECT_EQ(s.groups[0].total.wall, 1500 * kMs);
  ASSERT_EQ(s.groups[0].threads.size(), 2u);
  EXPECT_EQ(m.threads[s.groups[0].threads[0]].tid, 2);  // by tid
  EXPECT_EQ(m.str(s.groups[1].name), "main");           // ties by name
  EXPECT_EQ(m.str(s.groups[2].start_routine), "OtherMain");
}

TEST(SummaryTable, Durations) {
  EXPECT_EQ(ShortDuration(0), "0s");
  EXPECT_EQ(ShortDuration(999), "999ns");
  EXPECT_EQ(ShortDuration(1234567891), "1.235s");
  EXPECT_EQ(ShortDuration(350123456), "350.1ms");
  EXPECT_EQ(ShortDuration(350 * kMs), "350ms");
  EXPECT_EQ(ShortDuration(12345), "12.35µs");
  EXPECT_EQ(ShortDuration(61 * kSec), "1m1s");
}

TEST(SummaryTable, Layout) {
  TraceModel m = Read(KnownTrace());
  std::string table = FormatSummaryTable(m, SummarizeThreads(m));
  EXPECT_NE(table.find("Process: server (pid 4242)\n"), std::string::npos) << table;
  EXPECT_NE(table.find("Trace: 2s, scheduler waits from perf_switch"), std::string::npos) << table;
  EXPECT_NE(table.find("GROUP / THREAD  TID"), std::string::npos) << table;
  // A group row and its thread row, columns aligned, numbers to the right.
  EXPECT_NE(table.find("\nlate            1 thread  LateMain         1s   600ms          0s       200ms            0s"
                       "    200ms     0s       0s\n  late          12                         1s   600ms"),
            std::string::npos)
      << table;
  EXPECT_EQ(table, FormatSummaryTable(m, SummarizeThreads(m)));
}

}  // namespace
}  // namespace cpprof::trace
