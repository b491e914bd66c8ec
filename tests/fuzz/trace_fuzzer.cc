// libFuzzer target for the trace reader and what reads its model: any input
// gives a trace whose summary adds up, whose derived profiles encode and
// decode, and whose JSON export completes, or an error; never a crash, hang
// or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/codec.h"
#include "trace/chrome_json.h"
#include "trace/derived_profiles.h"
#include "trace/summary_table.h"
#include "trace/thread_summary.h"
#include "trace/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cpprof::trace;
  cpprof::Result<TraceModel> m = ReadTrace(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!m.ok()) return 0;
  ThreadSummary s = SummarizeThreads(*m);
  for (const ThreadTimes& t : s.threads) {
    if (t.on_cpu + t.sched + t.sync + t.network + t.syscall + t.sleep + t.unknown != t.wall || t.unknown < 0) {
      __builtin_trap();
    }
  }
  FormatSummaryTable(*m, s);
  ChromeJson(*m);
  for (DerivedKind k :
       {DerivedKind::kNet, DerivedKind::kSync, DerivedKind::kSyscall, DerivedKind::kSched, DerivedKind::kWall}) {
    if (!cpprof::ParseProfile(cpprof::WriteProfile(BuildDerivedProfile(*m, k))).ok()) __builtin_trap();
  }
  return 0;
}
