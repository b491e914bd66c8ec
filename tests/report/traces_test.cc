// Tests src/report/traces.cc: output handed over in pieces through
// ReportOptions::drain is the same as the output held whole.
#include <gtest/gtest.h>

#include "report/report.h"

namespace cpprof {
namespace {

Profile ManySamples(int n) {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.sample_types = {{.type = S("samples"), .unit = S("count")}};
  p.mappings.push_back({.id = 1, .file = S("/bin/app"), .has_functions = true, .has_filenames = true,
                        .has_line_numbers = true});
  p.functions.push_back({.id = 1, .name = S("a_function_with_a_long_enough_name"), .filename = S("file.cc"),
                         .start_line = 1});
  p.lines = {{.function = 0, .line = 10}};
  p.locations.push_back({.id = 1, .mapping = 0, .address = 0x1000, .line_begin = 0, .line_count = 1});
  for (int i = 0; i < n; ++i) {
    p.stacks.push_back(0);
    p.samples.push_back({.stack_begin = static_cast<uint32_t>(i), .stack_size = 1});
    p.values.push_back(i + 1);
  }
  return p;
}

TEST(TracesTest, DrainedOutputEqualsWholeOutput) {
  ReportOptions o;
  o.format = ReportFormat::kTraces;
  Profile whole_profile = ManySamples(20000);  // ~3 MB of traces: drained twice or more
  std::string whole;
  Report whole_report(whole_profile, o);
  ASSERT_TRUE(Generate(whole_report, whole).ok());

  Profile drained_profile = ManySamples(20000);
  std::string drained, pieces;
  int drains = 0;
  o.drain = [&](std::string& piece) {
    pieces += piece;
    piece.clear();
    ++drains;
  };
  Report drained_report(drained_profile, o);
  ASSERT_TRUE(Generate(drained_report, drained).ok());
  EXPECT_GE(drains, 2);
  EXPECT_EQ(pieces + drained, whole);
}

}  // namespace
}  // namespace cpprof
