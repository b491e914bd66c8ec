// The execution tracer (include/cpprof/trace.h, src/runtime/trace_*.cc):
// a traced program's trace decodes against Perfetto's schema and holds its
// threads, names, regions, tasks, logs, CPU samples and counters; the
// scheduler's preemptions of two threads sharing one CPU add up.
#include "cpprof/trace.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "trace/trace_format.h"
#include "trace_decoder.h"

namespace cpprof {
namespace {

using testing::DecodedEvent;
using testing::DecodedTrace;
namespace tf = cpprof::trace;

std::string TempPath(const char* name) {
  const char* dir = getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/cpprof_trace_test_" + std::to_string(getpid()) + "_" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Spins for `wall` of wall-clock time.
void SpinFor(std::chrono::milliseconds wall) {
  auto end = std::chrono::steady_clock::now() + wall;
  volatile uint64_t x = 0;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 1000; ++i) x = x + i;
  }
}

// Spins until the calling thread used `cpu` of CPU time (a loaded machine
// stretches the wall time, not this).
void SpinCpu(std::chrono::milliseconds cpu) {
  auto now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
  };
  int64_t end = now() + std::chrono::nanoseconds(cpu).count();
  volatile uint64_t x = 0;
  while (now() < end) {
    for (int i = 0; i < 1000; ++i) x = x + i;
  }
}

struct WorkerArgs {
  const Task* task;
  std::atomic<pid_t>* tid;
};

// The worker's start routine, named in its "thread start".
void* WorkerMain(void* p) {
  auto* args = static_cast<WorkerArgs*>(p);
  *args->tid = static_cast<pid_t>(gettid());
  pthread_setname_np(pthread_self(), "worker-0");
  prctl(PR_SET_NAME, "worker-1");
  TaskScope scope(*args->task);
  Region r("work");
  SpinCpu(std::chrono::milliseconds(400));
  return nullptr;
}

__attribute__((noinline)) pthread_t StartWorker(WorkerArgs* args) {
  pthread_t t;
  EXPECT_EQ(pthread_create(&t, nullptr, WorkerMain, args), 0);
  return t;
}

// Traces fn into a file and decodes it; the file also goes through protoc.
DecodedTrace TraceOf(const char* name, const std::function<void()>& fn) {
  std::string path = TempPath(name);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0);
  Error e = StartTrace(fd);
  EXPECT_TRUE(e.ok()) << e.message;
  fn();
  e = StopTrace();
  EXPECT_TRUE(e.ok()) << e.message;
  close(fd);
  EXPECT_TRUE(testing::ProtocDecodes(path, path + ".txt")) << ReadAll(path + ".txt").substr(0, 2000);
  DecodedTrace t = testing::DecodeTrace(ReadAll(path));
  if (!getenv("CPPROF_KEEP_TRACE")) unlink(path.c_str());
  unlink((path + ".txt").c_str());
  return t;
}

const DecodedEvent* One(const DecodedTrace& t, const std::string& name) {
  auto found = t.Find(name);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.empty() ? nullptr : found[0];
}

bool Contains(const std::vector<std::string>& functions, const std::string& part) {
  for (const std::string& f : functions) {
    if (f.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(TraceTest, HoldsThreadsAnnotationsAndSamples) {
  Task task;
  std::atomic<pid_t> worker_tid{0};
  pid_t main_tid = static_cast<pid_t>(gettid());
  DecodedTrace t = TraceOf("all", [&] {
    task = Task::New("request");
    TaskScope scope(task);
    {
      Region outer("outer");
      ScopedLabels labels({{"route", "/checkout"}});
      Region inner("inner");
      TraceLog("cat", "hello");
    }
    WorkerArgs args{&task, &worker_tid};
    pthread_join(StartWorker(&args), nullptr);
    task.End();
  });
  // Trace start and end on the process track.
  const DecodedEvent* start = One(t, tf::kEventTraceStart);
  ASSERT_NE(start, nullptr);
  EXPECT_NE(start->annotations.at(tf::kAnnotSchedSource), "");
  const DecodedEvent* end = One(t, tf::kEventTraceEnd);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->annotations.at(tf::kAnnotDroppedEvents), "0");
  // The worker: renamed, started with the creator's stack, exited.
  const testing::DecodedTrack* worker = t.Thread(worker_tid);
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->thread_name, "worker-1");  // prctl's name, after pthread_setname_np's
  bool first_name = false;
  for (const testing::DecodedTrack& d : t.tracks) first_name |= d.uuid == worker->uuid && d.thread_name == "worker-0";
  EXPECT_TRUE(first_name);
  uint64_t worker_track = worker->uuid;
  const DecodedEvent* started = One(t, tf::kEventThreadStart);
  ASSERT_NE(started, nullptr);
  EXPECT_EQ(started->track, worker_track);
  EXPECT_NE(started->annotations.at(tf::kAnnotStartRoutine).find("WorkerMain"), std::string::npos)
      << started->annotations.at(tf::kAnnotStartRoutine);
  EXPECT_TRUE(Contains(t.Functions(started->callstack), "StartWorker"));
  const DecodedEvent* exited = One(t, tf::kEventThreadExit);
  ASSERT_NE(exited, nullptr);
  EXPECT_EQ(exited->track, worker_track);
  // Regions nest on the main thread, in the task; the worker's too.
  std::string id = std::to_string(task.id());
  const DecodedEvent* outer = One(t, "outer");
  const DecodedEvent* inner = One(t, "inner");
  const DecodedEvent* work = One(t, "work");
  ASSERT_TRUE(outer && inner && work);
  EXPECT_EQ(outer->category, tf::kCategoryRegion);
  EXPECT_EQ(outer->track, t.Thread(main_tid)->uuid);
  EXPECT_LE(outer->ts, inner->ts);
  EXPECT_EQ(outer->annotations.at(tf::kAnnotTask), id);
  EXPECT_EQ(outer->annotations.count(tf::kAnnotLabels), 0u);
  EXPECT_EQ(inner->annotations.at(tf::kAnnotLabels), R"({"route":"/checkout"})");
  EXPECT_EQ(work->track, worker_track);
  EXPECT_EQ(work->annotations.at(tf::kAnnotTask), id);
  ASSERT_EQ(work->flows.size(), 1u);
  EXPECT_EQ(work->flows[0], task.id());
  const DecodedEvent* log = One(t, "cat");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->category, tf::kCategoryLog);
  EXPECT_EQ(log->annotations.at(tf::kAnnotMessage), "hello");
  // The task: a slice on its own track, with the creating stack.
  const DecodedEvent* request = One(t, "request");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->track, tf::TaskTrackUuid(task.id()));
  EXPECT_TRUE(Contains(t.Functions(request->callstack), "HoldsThreadsAnnotationsAndSamples"));
  int ends = 0;
  for (const DecodedEvent& e : t.events) ends += e.track == request->track && e.type == tf::pf::kTypeSliceEnd;
  EXPECT_EQ(ends, 1);
  // CPU samples of the worker's 400 ms of CPU (40 at 100 Hz), in SpinCpu.
  int samples = 0, in_spin = 0;
  for (const testing::DecodedSample& s : t.samples) {
    if (s.tid != worker_tid) continue;
    ++samples;
    in_spin += Contains(t.Functions(s.callstack), "SpinCpu");
  }
  EXPECT_GE(samples, 20);
  EXPECT_GE(in_spin, samples * 8 / 10);
  // The worker's CPU time: 400 ms spun, ±25%.
  std::vector<int64_t> cpu;
  for (const DecodedEvent& e : t.events) {
    if (e.track == tf::CpuTimeTrackUuid(worker_track)) cpu.push_back(e.counter);
  }
  ASSERT_EQ(cpu.size(), 2u);
  EXPECT_NEAR(static_cast<double>(cpu[1] - cpu[0]), 400e6, 100e6);
}

TEST(TraceTest, SecondStartFails) {
  std::string path = TempPath("twice");
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_TRUE(StartTrace(fd).ok());
  EXPECT_TRUE(TraceEnabled());
  Error e = StartTrace(fd);
  EXPECT_EQ(e.message, "tracing is already enabled");
  EXPECT_TRUE(StopTrace().ok());
  EXPECT_FALSE(TraceEnabled());
  EXPECT_FALSE(StopTrace().ok());
  close(fd);
  unlink(path.c_str());
}

// A trace samples the CPU through the CPU profiler; a profile the program
// starts meanwhile takes the samples over and outlives the trace.
TEST(TraceTest, CpuProfileStartedDuringATrace) {
  std::ostringstream profile;
  DecodedTrace t = TraceOf("profile", [&] {
    Error e = StartCPUProfile(profile);
    EXPECT_TRUE(e.ok()) << e.message;
    SpinCpu(std::chrono::milliseconds(200));
  });
  EXPECT_GE(t.samples.size(), 10u);
  SpinCpu(std::chrono::milliseconds(100));
  Error e = StopCPUProfile();
  EXPECT_TRUE(e.ok()) << e.message;
  EXPECT_GT(profile.str().size(), 100u);
}

// A thread's buffer is bounded (256 KiB, 4,096 region pairs): a burst of
// 200,000 pairs in ~5 ms overflows it, and every pair is either recorded or
// counted as dropped (an end is dropped with its begin; CPU samples dropped
// meanwhile may add a few).
TEST(TraceTest, BoundedBuffersCountWhatTheyDrop) {
  constexpr int kPairs = 200000;
  DecodedTrace t = TraceOf("burst", [] {
    for (int i = 0; i < kPairs; ++i) Region r("burst");
  });
  const DecodedEvent* end = One(t, tf::kEventTraceEnd);
  ASSERT_NE(end, nullptr);
  int64_t dropped = std::stoll(end->annotations.at(tf::kAnnotDroppedEvents));
  uint64_t track = t.Find("burst").empty() ? 0 : t.Find("burst")[0]->track;
  int64_t ends = 0;
  for (const DecodedEvent& e : t.events) ends += e.track == track && e.type == tf::pf::kTypeSliceEnd;
  std::printf("%d region pairs: %lld recorded, %lld dropped\n", kPairs, static_cast<long long>(ends),
              static_cast<long long>(dropped));
  EXPECT_GT(dropped, 0);
  EXPECT_GE(ends + dropped, kPairs);
  EXPECT_LE(ends + dropped, kPairs + 100);
}

// Two threads spinning for 1 s on one CPU each run about half of it and wait
// in the run queue the other half (more when other processes share the CPU):
// with perf_switch, their sched slices add up to the time they did not run
// (±25%), and to at least 375 ms (0.5 s - 25%).
TEST(TraceTest, PreemptionsOfTwoThreadsOnOneCpu) {
  std::atomic<pid_t> tids[2] = {0, 0};
  DecodedTrace t = TraceOf("sched", [&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
      threads[i] = std::thread([&, i] {
        tids[i] = static_cast<pid_t>(gettid());
        sched_setaffinity(0, sizeof(one), &one);
        SpinFor(std::chrono::milliseconds(1000));
      });
    }
    for (std::thread& th : threads) th.join();
  });
  const DecodedEvent* start = One(t, tf::kEventTraceStart);
  ASSERT_NE(start, nullptr);
  if (start->annotations.at(tf::kAnnotSchedSource) != tf::kSchedSourcePerfSwitch) {
    GTEST_SKIP() << "sched source " << start->annotations.at(tf::kAnnotSchedSource);
  }
  for (pid_t tid : {tids[0].load(), tids[1].load()}) {
    uint64_t thread = t.Thread(tid)->uuid;
    int64_t sched = 0, begin = -1, cpu0 = -1, cpu1 = -1, delay0 = -1, delay1 = -1;
    for (const DecodedEvent& e : t.events) {
      if (e.track == tf::StateTrackUuid(thread) && e.name == tf::kStateSched) begin = static_cast<int64_t>(e.ts);
      if (e.track == tf::StateTrackUuid(thread) && e.type == tf::pf::kTypeSliceEnd && begin >= 0) {
        sched += static_cast<int64_t>(e.ts) - begin;
        begin = -1;
      }
      if (e.track == tf::CpuTimeTrackUuid(thread)) (cpu0 < 0 ? cpu0 : cpu1) = e.counter;
      if (e.track == tf::RunDelayTrackUuid(thread)) (delay0 < 0 ? delay0 : delay1) = e.counter;
    }
    double waited = 1e9 - static_cast<double>(cpu1 - cpu0);
    std::printf("tid %d: sched slices %.0f ms, run delay %.0f ms, not running %.0f ms\n", tid, sched / 1e6,
                (delay1 - delay0) / 1e6, waited / 1e6);
    EXPECT_NEAR(static_cast<double>(sched), waited, waited * 0.25);
    EXPECT_GE(static_cast<double>(sched), 0.375e9);
  }
}

}  // namespace
}  // namespace cpprof
