#include "web/trace_json.h"

#include <gtest/gtest.h>

#include "../trace/trace_builder.h"
#include "trace/trace_format.h"
#include "trace/trace_reader.h"

namespace cpprof {
namespace {

using namespace trace;

TraceModel Small() {
  TraceBuilderForTesting b(1 * kSec);
  uint64_t stack = b.Stack({"main", "Lock"});
  uint64_t t = b.Thread(7, "worker", "WorkerMain", 1 * kSec + 1000);
  b.Wait(t, kStateSync, "pthread_mutex_lock", 1 * kSec + 2000, 1 * kSec + 5000, stack, 9);
  b.RegionBegin(t, 1 * kSec + 1500, "handle", 3);
  b.RegionEnd(t, 1 * kSec + 6000);
  b.Sample(t, 1 * kSec + 1800, stack);
  b.TaskBegin(3, 0, 1 * kSec + 1200, "request");
  Result<TraceModel> m = ReadTrace(b.Finish(1 * kSec + 10000));
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

TEST(TraceJson, Timeline) {
  TraceModel m = Small();
  EXPECT_EQ(TraceTimelineJson(m),
            R"({"duration":10000,"states":["sync","network","syscall","sleep","sched","other"],)"
            R"("threads":[{"name":"worker","tid":7,"start":1000,"end":10000}],)"
            R"("intervals":[0,0,2000,3000,1,0,9],"regions":[0,1,1500,4500,0,3],"samples":[0,1800,1],)"
            R"("tasks":[{"id":3,"parent":0,"type":2,"start":1200,"end":-1}],)"
            R"("strings":["pthread_mutex_lock","handle","request"]})");
}

TEST(TraceJson, SummaryAndStack) {
  TraceModel m = Small();
  std::string summary = TraceSummaryJson(m, SummarizeThreads(m));
  EXPECT_NE(summary.find(R"("groups":[{"name":"worker","startRoutine":"WorkerMain","threads":[0],)"
                         R"("times":[9000,0,0,3000,0,0,0,6000]}])"),
            std::string::npos)
      << summary;
  EXPECT_EQ(TraceStackJson(m, 1), R"([{"function":"Lock","file":"Lock.cc","line":11},)"
                                  R"({"function":"main","file":"main.cc","line":10}])");
  EXPECT_EQ(TraceStackJson(m, 99), "[]");
}

}  // namespace
}  // namespace cpprof
