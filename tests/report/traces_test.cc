// Tests src/report/traces.cc: output handed over to a ReportSink in pieces is
// the same as the output held whole.
#include <gtest/gtest.h>

#include <algorithm>

#include "report/report.h"

namespace cpprof {
namespace {

Profile ManySamples(int n) {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.sample_types = {{.type = S("samples"), .unit = S("count")}};
  p.mappings.push_back(
      {.id = 1, .file = S("/bin/app"), .has_functions = true, .has_filenames = true, .has_line_numbers = true});
  p.functions.push_back(
      {.id = 1, .name = S("a_function_with_a_long_enough_name"), .filename = S("file.cc"), .start_line = 1});
  p.lines = {{.function = 0, .line = 10}};
  p.locations.push_back({.id = 1, .mapping = 0, .address = 0x1000, .line_begin = 0, .line_count = 1});
  for (int i = 0; i < n; ++i) {
    p.stacks.push_back(0);
    p.samples.push_back({.stack_begin = static_cast<uint32_t>(i), .stack_size = 1});
    p.values.push_back(i + 1);
  }
  return p;
}

// Keeps what it is handed and remembers the largest piece.
class PieceSink final : public ReportSink {
 public:
  Status Append(std::string_view data) override {
    text += data;
    ++pieces;
    largest = std::max(largest, data.size());
    return Status();
  }
  Status Flush() override { return Status(); }
  std::string text;
  int pieces = 0;
  size_t largest = 0;
};

TEST(TracesTest, LongOutputGoesToTheSinkInPieces) {
  ReportOptions o;
  o.format = ReportFormat::kTraces;
  Profile p = ManySamples(20000);  // ~3 MB of traces
  PieceSink sink;
  Report report(p, o);
  ASSERT_TRUE(Generate(report, sink).ok());
  EXPECT_GE(sink.pieces, 3);
  // About 1 MB at a time: the report never holds all of its text.
  EXPECT_LT(sink.largest, size_t{1} << 21);
  size_t traces = 0;
  for (size_t at = 0; (at = sink.text.find("-----------+", at)) != std::string::npos; ++at) ++traces;
  EXPECT_EQ(traces, 20000u + 1);  // one separator before each sample, one after the last
}

}  // namespace
}  // namespace cpprof
