// Tests src/report/text.cc (-top) on SmallCpuProfile: sorting, the running
// sum, the inline markers, node counts and sample indexes. The golden test
// (tests/golden/) checks the same report on real profiles against pprof.
#include <gtest/gtest.h>

#include "small_profile.h"

namespace cpprof {
namespace {

constexpr char kHeader[] =
    "File: app\n"
    "Type: cpu\n"
    "Showing nodes accounting for 100ms, 100% of 100ms total\n";

// Flat first, ties by cum then name; c is inlined into b only, so its node
// is "partial-inline".
TEST(TextTest, SortsByFlatAndMarksPartialInline) {
  EXPECT_EQ(SmallCpuReport(SmallCpuOptions(ReportFormat::kText)),
            std::string(kHeader) +
                "      flat  flat%   sum%        cum   cum%\n"
                "      80ms 80.00% 80.00%       80ms 80.00%  c (partial-inline)\n"
                "      20ms 20.00%   100%       50ms 50.00%  b\n"
                "         0     0%   100%       50ms 50.00%  a\n"
                "         0     0%   100%      100ms   100%  main\n");
}

// -cum: a and b tie at 50ms and keep name order; sum% still adds flat.
TEST(TextTest, SortsByCum) {
  ReportOptions o = SmallCpuOptions(ReportFormat::kText);
  o.cum_sort = true;
  EXPECT_EQ(SmallCpuReport(o), std::string(kHeader) +
                                   "      flat  flat%   sum%        cum   cum%\n"
                                   "         0     0%     0%      100ms   100%  main\n"
                                   "      80ms 80.00% 80.00%       80ms 80.00%  c (partial-inline)\n"
                                   "         0     0% 80.00%       50ms 50.00%  a\n"
                                   "      20ms 20.00%   100%       50ms 50.00%  b\n");
}

// With a shown, a -> c would be a call that is not inlined; without it, the
// only edge into c among the shown nodes is b's inlined one, and c reads
// "inline" as pprof's does.
TEST(TextTest, NodeCountKeepsTopNodesAndInlineMarksAmongThem) {
  ReportOptions o = SmallCpuOptions(ReportFormat::kText);
  o.node_count = 2;
  EXPECT_EQ(SmallCpuReport(o), std::string(kHeader) +
                                   "Showing top 2 nodes out of 4\n"
                                   "      flat  flat%   sum%        cum   cum%\n"
                                   "      80ms 80.00% 80.00%       80ms 80.00%  c (inline)\n"
                                   "      20ms 20.00%   100%       50ms 50.00%  b\n");
}

TEST(TextTest, SampleIndexSelectsTheCountedValue) {
  ReportOptions o;
  o.sample_type = "samples";
  o.sample_unit = "count";
  EXPECT_EQ(SmallCpuReport(o),
            "File: app\n"
            "Type: samples\n"
            "Showing nodes accounting for 10, 100% of 10 total\n"
            "      flat  flat%   sum%        cum   cum%\n"
            "         8 80.00% 80.00%          8 80.00%  c (partial-inline)\n"
            "         2 20.00%   100%          5 50.00%  b\n"
            "         0     0%   100%          5 50.00%  a\n"
            "         0     0%   100%         10   100%  main\n");
}

}  // namespace
}  // namespace cpprof
