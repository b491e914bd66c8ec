// -tree and -peek: each node with its callers above and callees below
// (pprof's printTree).

#include <fmt/format.h>

#include "profile/units.h"
#include "report/report.h"

namespace cpprof {

Status PrintTree(Report& r, std::string& out) {
  constexpr const char* kSeparator = "----------------------------------------------------------+-------------";
  constexpr const char* kLegend = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";
  GraphBuilder& g = ReportGraph(r);
  TrimmedGraph t = NewTrimmedGraph(r, g);
  SelectOutputUnit(r, g, t.nodes);
  t.dropped_edges = 0;  // the tree report does not mention edges
  for (const std::string& l : ReportLabels(r, g, t, false)) {
    out += l;
    out += '\n';
  }
  out += kSeparator;
  out += '\n';
  out += kLegend;
  out += '\n';
  const re2::RE2* symbol = r.options().symbol.get();
  int matched = 0;
  int64_t flat_sum = 0;
  for (uint32_t n : t.nodes) {
    const Node& node = g.nodes()[n];
    const std::string& name = g.PrintableName(n);
    if (symbol != nullptr && !re2::RE2::PartialMatch(name, *symbol)) continue;
    ++matched;
    out += kSeparator;
    out += '\n';
    int64_t flat = node.flat_value(), cum = node.cum_value();
    // Edge lines show the raw weight, as pprof does (not divided in -mean).
    auto edge_line = [&](uint32_t e, uint32_t other) {
      const Edge& edge = g.edges()[e];
      out += fmt::format("{:>50} {} |   {}{}\n", r.FormatValue(edge.weight), Percentage(edge.weight, cum),
                         g.PrintableName(other), edge.is_inline ? " (inline)" : "");
    };
    for (uint32_t e : g.SortedEdges(node.in)) edge_line(e, g.edges()[e].src);
    flat_sum += flat;
    out += fmt::format("{:>10} {} {} {:>10} {}                | {}\n", r.FormatValue(flat), Percentage(flat, r.total()),
                       Percentage(flat_sum, r.total()), r.FormatValue(cum), Percentage(cum, r.total()), name);
    for (uint32_t e : g.SortedEdges(node.out)) edge_line(e, g.edges()[e].dest);
  }
  if (!t.nodes.empty()) {
    out += kSeparator;
    out += '\n';
  }
  if (symbol != nullptr && matched == 0) {
    return Status::Error("no matches found for regexp: " + symbol->pattern());
  }
  return Status();
}

}  // namespace cpprof
