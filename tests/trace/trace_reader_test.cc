#include "trace/trace_reader.h"

#include <gtest/gtest.h>

#include <protozero/pbf_writer.hpp>

#include "profile/gzip.h"
#include "trace/trace_format.h"
#include "trace_builder.h"

namespace cpprof::trace {
namespace {

// A trace with one of everything the format holds.
std::string SmallTrace() {
  TraceBuilderForTesting b;
  uint64_t create = b.Stack({"main", "StartWorkers"});
  uint64_t main = b.Thread(100, "server");
  uint64_t worker = b.Thread(101, "worker", "WorkerMain", 1 * kSec + 10 * kMs, 0, create);
  b.Counters(worker, 200 * kMs, 30 * kMs);
  uint64_t lock = b.Stack({"WorkerMain", "Handle", "std::mutex::lock"});
  b.Wait(worker, kStateSync, "pthread_mutex_lock", 1 * kSec + 20 * kMs, 1 * kSec + 50 * kMs, lock, 0x1234);
  b.TaskBegin(7, 0, 1 * kSec + 15 * kMs, "request", lock);
  b.RegionBegin(worker, 1 * kSec + 16 * kMs, "handle", 7);
  b.RegionBegin(worker, 1 * kSec + 17 * kMs, "parse", 7);
  b.Log(worker, 1 * kSec + 18 * kMs, "parse", "GET /", 7);
  b.RegionEnd(worker, 1 * kSec + 19 * kMs);
  b.RegionEnd(worker, 1 * kSec + 60 * kMs);
  b.TaskEnd(7, 1 * kSec + 70 * kMs);
  b.Sample(worker, 1 * kSec + 55 * kMs, lock);
  b.Rename(worker, "worker-1");
  b.Exit(worker, 1 * kSec + 80 * kMs);
  b.Wait(main, kStateSleep, "nanosleep", 1 * kSec + 5 * kMs, 1 * kSec + 90 * kMs);
  return b.Finish(1 * kSec + 100 * kMs, 3);
}

TEST(TraceReader, ReadsEveryTable) {
  Result<TraceModel> r = ReadTrace(SmallTrace());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const TraceModel& m = *r;
  EXPECT_EQ(m.pid, TraceBuilderForTesting::kPid);
  EXPECT_EQ(m.str(m.process_name), "server");
  ASSERT_EQ(m.cmdline.size(), 2u);
  EXPECT_EQ(m.str(m.cmdline[1]), "--port=0");
  EXPECT_EQ(m.start_ns, 1 * kSec);
  EXPECT_EQ(m.start_unix_ns, 1700000000 * kSec + 1 * kSec);  // the builder's clock snapshot
  EXPECT_EQ(m.end_ns, 1 * kSec + 100 * kMs);
  EXPECT_TRUE(m.has_end_event);
  EXPECT_EQ(m.str(m.sched_source), kSchedSourcePerfSwitch);
  EXPECT_EQ(m.wait_threshold_ns, 10000);
  EXPECT_EQ(m.dropped_events, 3u);

  ASSERT_EQ(m.threads.size(), 2u);
  const TraceThread& w = m.threads[1];
  EXPECT_EQ(w.tid, 101);
  EXPECT_EQ(m.str(w.name), "worker-1");
  EXPECT_EQ(m.str(w.start_routine), "WorkerMain");
  EXPECT_EQ(w.start_ns, 1 * kSec + 10 * kMs);
  EXPECT_EQ(w.exit_ns, 1 * kSec + 80 * kMs);
  EXPECT_EQ(w.cpu_time_ns, 200 * kMs);
  EXPECT_EQ(w.run_delay_ns, 30 * kMs);
  ASSERT_EQ(m.stack(w.create_stack).size(), 2u);
  EXPECT_EQ(m.str(m.frames[m.stack(w.create_stack)[1]].function), "StartWorkers");
  EXPECT_EQ(m.threads[0].start_ns, -1);
  EXPECT_EQ(m.threads[0].cpu_time_ns, -1);
  // Names: the first of each thread, then the rename.
  ASSERT_EQ(m.thread_names.size(), 3u);
  EXPECT_EQ(m.str(m.thread_names[2].name), "worker-1");

  ASSERT_EQ(m.intervals.size(), 2u);
  const StateInterval& sync = m.intervals[1];  // by thread: the worker's comes second
  EXPECT_EQ(sync.thread, 1u);
  EXPECT_EQ(sync.state, WaitState::kSync);
  EXPECT_EQ(m.str(sync.call), "pthread_mutex_lock");
  EXPECT_EQ(sync.object, 0x1234u);
  EXPECT_EQ(sync.end_ns - sync.start_ns, 30 * kMs);
  std::span<const uint32_t> stack = m.stack(sync.stack);
  ASSERT_EQ(stack.size(), 3u);
  EXPECT_EQ(m.str(m.frames[stack[0]].function), "WorkerMain");
  EXPECT_EQ(m.str(m.frames[stack[2]].function), "std::mutex::lock");
  EXPECT_EQ(m.str(m.frames[stack[2]].file), "std::mutex::lock.cc");
  EXPECT_EQ(m.frames[stack[2]].line, 12u);
  EXPECT_EQ(m.intervals[0].state, WaitState::kSleep);
  EXPECT_EQ(m.intervals[0].stack, 0u);

  ASSERT_EQ(m.regions.size(), 2u);
  EXPECT_EQ(m.str(m.regions[0].type), "handle");
  EXPECT_EQ(m.regions[0].depth, 0u);
  EXPECT_EQ(m.regions[0].task, 7u);
  EXPECT_EQ(m.str(m.regions[1].type), "parse");
  EXPECT_EQ(m.regions[1].depth, 1u);
  EXPECT_EQ(m.regions[1].end_ns, 1 * kSec + 19 * kMs);

  ASSERT_EQ(m.tasks.size(), 1u);
  EXPECT_EQ(m.tasks[0].id, 7u);
  EXPECT_EQ(m.str(m.tasks[0].type), "request");
  EXPECT_EQ(m.tasks[0].end_ns, 1 * kSec + 70 * kMs);
  EXPECT_EQ(m.stack(m.tasks[0].stack).size(), 3u);

  ASSERT_EQ(m.logs.size(), 1u);
  EXPECT_EQ(m.str(m.logs[0].category), "parse");
  EXPECT_EQ(m.str(m.logs[0].message), "GET /");
  EXPECT_EQ(m.logs[0].task, 7u);

  ASSERT_EQ(m.samples.size(), 1u);
  EXPECT_EQ(m.samples[0].thread, 1u);
  EXPECT_EQ(m.stack(m.samples[0].stack).size(), 3u);
}

TEST(TraceReader, SkipsWhatItDoesNotKnow) {
  std::string data = SmallTrace();
  std::string extra;
  {
    protozero::pbf_writer trace(extra);
    protozero::pbf_writer packet(trace, 1);
    packet.add_uint64(8, 1 * kSec + 1);
    packet.add_string(999, "a field of a newer schema");
    protozero::pbf_writer event(packet, 11);
    event.add_uint64(11, 0xdeadbeef);  // a track never described
    event.add_uint32(9, 3);
  }
  Result<TraceModel> r = ReadTrace(extra + data);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->intervals.size(), 2u);
}

TEST(TraceReader, ReadsGzip) {
  Result<TraceModel> r = ReadTrace(Gzip(SmallTrace()));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->threads.size(), 2u);
}

TEST(TraceReader, CutShortEndsAtTheLastEvent) {
  TraceBuilderForTesting b;
  uint64_t t = b.Thread(1, "main");
  b.Wait(t, kStateSleep, "nanosleep", 1 * kSec + 1 * kMs, 1 * kSec + 9 * kMs);
  b.RegionBegin(t, 1 * kSec + 2 * kMs, "open");
  Result<TraceModel> r = ReadTrace(b.bytes());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->has_end_event);
  EXPECT_EQ(r->end_ns, 1 * kSec + 9 * kMs);
  ASSERT_EQ(r->regions.size(), 1u);
  EXPECT_EQ(r->regions[0].end_ns, r->end_ns);  // closed at the end
}

TEST(TraceReader, Errors) {
  std::string good = SmallTrace();
  struct Case {
    std::string input, want;
  } cases[] = {
      {"", "empty trace"},
      {"hello world\n", "not a Perfetto trace"},
      {good.substr(0, good.size() - 3), "truncated trace"},
      {std::string("\x0a\x02\x40\x01", 4), "not a cpprof trace: no \"trace start\" event"},
      {std::string("\x1f\x8b\x08\x00", 4), "decompressing trace"},
  };
  for (const Case& c : cases) {
    Result<TraceModel> r = ReadTrace(c.input);
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace cpprof::trace
