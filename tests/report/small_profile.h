// A CPU profile small enough to check reports by hand, for the report tests:
// main calls a and b, both call c, and c is inlined into b.
//   main > a > c    5 samples, 50ms
//   main > b > c    3 samples, 30ms (c inlined: one location, two lines)
//   main > b        2 samples, 20ms
// As the driver leaves a profile at function granularity, locations have no
// address and lines no number, so each function is one node.
#ifndef CPPROF_TESTS_REPORT_SMALL_PROFILE_H_
#define CPPROF_TESTS_REPORT_SMALL_PROFILE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "profile/profile.h"
#include "report/report.h"

namespace cpprof {

inline Profile SmallCpuProfile() {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.sample_types = {{.type = S("samples"), .unit = S("count")}, {.type = S("cpu"), .unit = S("nanoseconds")}};
  p.period_type = {.type = S("cpu"), .unit = S("nanoseconds")};
  p.period = 10'000'000;
  p.mappings.push_back({.id = 1,
                        .start = 0x1000,
                        .limit = 0x9000,
                        .file = S("/bin/app"),
                        .has_functions = true,
                        .has_filenames = true,
                        .has_line_numbers = true,
                        .has_inline_frames = true});
  uint32_t f = 0;
  for (const char* name : {"main", "a", "b", "c"}) {
    p.functions.push_back({.id = ++f, .name = S(name), .system_name = S(name)});
  }
  // One line per function, and c inlined into b: the innermost line first.
  p.lines = {{.function = 0}, {.function = 1}, {.function = 2}, {.function = 3}, {.function = 3}, {.function = 2}};
  const uint32_t kMain = 0, kA = 1, kB = 2, kC = 3, kCInB = 4;
  p.locations = {{.id = 1, .mapping = 0, .line_begin = 0, .line_count = 1},
                 {.id = 2, .mapping = 0, .line_begin = 1, .line_count = 1},
                 {.id = 3, .mapping = 0, .line_begin = 2, .line_count = 1},
                 {.id = 4, .mapping = 0, .line_begin = 3, .line_count = 1},
                 {.id = 5, .mapping = 0, .line_begin = 4, .line_count = 2}};
  auto add = [&](std::initializer_list<uint32_t> leaf_first, int64_t samples) {
    p.samples.push_back({.stack_begin = static_cast<uint32_t>(p.stacks.size()),
                         .stack_size = static_cast<uint32_t>(leaf_first.size())});
    for (uint32_t loc : leaf_first) p.stacks.push_back(loc);
    p.values.push_back(samples);
    p.values.push_back(samples * p.period);
  };
  add({kC, kA, kMain}, 5);
  add({kCInB, kMain}, 3);
  add({kB, kMain}, 2);
  return p;
}

// The options of a report of SmallCpuProfile's CPU time, as the driver sets them.
inline ReportOptions SmallCpuOptions(ReportFormat format) {
  ReportOptions o;
  o.format = format;
  o.sample_index = 1;
  o.sample_type = "cpu";
  o.sample_unit = "nanoseconds";
  return o;
}

// The report of a fresh SmallCpuProfile (reports may edit the profile).
inline std::string SmallCpuReport(const ReportOptions& o, Profile p = SmallCpuProfile()) {
  Report r(p, o);
  StringSink out;
  EXPECT_TRUE(Generate(r, out).ok());
  return out.text();
}

}  // namespace cpprof

#endif  // CPPROF_TESTS_REPORT_SMALL_PROFILE_H_
