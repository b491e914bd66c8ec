#include "trace/chrome_json.h"

#include <gtest/gtest.h>

#include "trace/trace_format.h"
#include "trace/trace_reader.h"
#include "trace_builder.h"

namespace cpprof::trace {
namespace {

TEST(ChromeJson, Events) {
  TraceBuilderForTesting b(1 * kSec);
  uint64_t t = b.Thread(7, "worker \"one\"");
  b.Wait(t, kStateSync, "pthread_mutex_lock", 1 * kSec + 1500, 1 * kSec + 2 * kMs + 1, 0, 0x10);
  b.RegionBegin(t, 1 * kSec + 1000, "handle", 5);
  b.RegionEnd(t, 1 * kSec + 3 * kMs);
  b.Log(t, 1 * kSec + 2000, "cache", "miss\n", 5);
  b.TaskBegin(5, 0, 1 * kSec, "request");
  Result<TraceModel> m = ReadTrace(b.Finish(1 * kSec + 10 * kMs));
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::string json = ChromeJson(*m);
  EXPECT_EQ(json.rfind("{\"traceEvents\":[\n", 0), 0u) << json;
  EXPECT_NE(json.find("\n],\"displayTimeUnit\":\"ns\"}\n"), std::string::npos) << json;
  auto has = [&](std::string_view s) { return json.find(s) != std::string::npos; };
  EXPECT_TRUE(has(R"({"name":"process_name","ph":"M","pid":4242,"tid":0,"args":{"name":"server"}})")) << json;
  EXPECT_TRUE(has(R"({"name":"thread_name","ph":"M","pid":4242,"tid":7,"args":{"name":"worker \"one\""}})")) << json;
  EXPECT_TRUE(has(R"({"name":"sync","ph":"X","pid":4242,"tid":7,"cat":"state","ts":1.500,"dur":1998.501,)"
                  R"("args":{"call":"pthread_mutex_lock","object":16}})"))
      << json;
  EXPECT_TRUE(has(R"({"name":"handle","ph":"X","pid":4242,"tid":7,"cat":"region","ts":1.000,"dur":2999.000,)"
                  R"("args":{"task":5}})"))
      << json;
  EXPECT_TRUE(has(R"({"name":"cache","ph":"i","pid":4242,"tid":7,"cat":"log","ts":2.000,"s":"t",)"
                  R"("args":{"message":"miss\n","task":5}})"))
      << json;
  EXPECT_TRUE(has(R"({"name":"request","ph":"b","pid":4242,"tid":0,"cat":"task","id":"0x5","ts":0.000,)"
                  R"("args":{"task":5}})"))
      << json;
  // Never ended: ends with the trace.
  EXPECT_TRUE(has(R"({"name":"request","ph":"e","pid":4242,"tid":0,"cat":"task","id":"0x5","ts":10000.000})")) << json;
}

}  // namespace
}  // namespace cpprof::trace
