// Tests src/report/dot.cc (-dot) on SmallCpuProfile: node and edge labels,
// the inline edge, residual edges across dropped nodes, and quoting. The
// golden test (tests/golden/) checks the same report on real profiles
// against pprof.
#include <gtest/gtest.h>

#include "small_profile.h"

namespace cpprof {
namespace {

constexpr char kPrologue[] =
    "digraph \"unnamed\" {\n"
    "node [style=filled fillcolor=\"#f8f8f8\"]\n";

TEST(DotTest, LabelsNodesAndEdgesAndMarksTheInlineEdge) {
  std::string dot = SmallCpuReport(SmallCpuOptions(ReportFormat::kDot));
  EXPECT_TRUE(dot.starts_with(kPrologue)) << dot;
  EXPECT_TRUE(dot.ends_with("}\n")) << dot;
  // Flat and cum in b's label; main has no flat value.
  EXPECT_NE(dot.find("N3 [label=\"b\\n20ms (20.00%)\\nof 50ms (50.00%)\" id=\"node3\" fontsize=16 shape=box "
                     "tooltip=\"b (50ms)\""),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("N2 [label=\"main\\n0 of 100ms (100%)\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("N3 -> N1 [label=\" 30ms\\n (inline)\" weight=31 penwidth=2"), std::string::npos) << dot;
  EXPECT_NE(dot.find("N4 -> N1 [label=\" 50ms\" weight=51 penwidth=3"), std::string::npos) << dot;
}

// Dropping a and b leaves main's path to c as one dotted residual edge.
TEST(DotTest, ResidualEdgeAcrossDroppedNodes) {
  ReportOptions o = SmallCpuOptions(ReportFormat::kDot);
  o.node_count = 2;
  std::string dot = SmallCpuReport(o);
  EXPECT_NE(dot.find("Showing nodes accounting for 80ms, 80.00% of 100ms total\\lShowing top 2 nodes out of 4\\l"),
            std::string::npos)
      << dot;
  EXPECT_EQ(dot.find("N3 "), std::string::npos) << dot;
  EXPECT_NE(dot.find("N2 -> N1 [label=\" 80ms\" weight=81 penwidth=5 color=\"#b20b00\" tooltip=\"main ... c (80ms)\" "
                     "labeltooltip=\"main ... c (80ms)\" style=\"dotted\"]"),
            std::string::npos)
      << dot;
}

TEST(DotTest, QuotesInNamesAreEscaped) {
  Profile p = SmallCpuProfile();
  p.functions[1].name = p.strings.Intern("operator\"\" _a<\"x\">");
  std::string dot = SmallCpuReport(SmallCpuOptions(ReportFormat::kDot), std::move(p));
  EXPECT_NE(dot.find("N4 [label=\"operator\\\"\\\" _a<\\\"x\\\">\\n0 of 50ms (50.00%)\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("tooltip=\"main -> operator\\\"\\\" _a<\\\"x\\\"> (50ms)\""), std::string::npos) << dot;
}

}  // namespace
}  // namespace cpprof
